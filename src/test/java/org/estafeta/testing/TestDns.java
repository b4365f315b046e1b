package org.estafeta.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * A tiny authoritative DNS server on a loopback UDP port, for outbound delivery tests: it answers from
 * records given in zone-file syntax, says NXDOMAIN for names it does not know and SERVFAIL for names
 * marked as broken.
 */
public final class TestDns implements AutoCloseable {

    private final DatagramSocket socket;
    private final Map<Name, List<Record>> records = new ConcurrentHashMap<>();
    private final Map<Name, Boolean> broken = new ConcurrentHashMap<>();
    private final Thread thread;

    public TestDns() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = Thread.ofPlatform().daemon().name("test-dns").start(this::serve);
    }

    /** Adds a record, e.g. {@code add("destino.es. 60 IN MX 10 mx.destino.es.")}. */
    public TestDns add(String zoneLine) throws IOException {
        Record r = new org.xbill.DNS.Master(new java.io.ByteArrayInputStream((zoneLine + "\n").getBytes())).nextRecord();
        records.merge(r.getName(), List.of(r), (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).toList());
        return this;
    }

    /** Every query for this name fails with SERVFAIL (a temporary DNS failure). */
    public TestDns servfail(String name) throws IOException {
        broken.put(Name.fromString(name), true);
        return this;
    }

    /** For {@code dns.servers}. */
    public String address() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    private void serve() {
        byte[] buf = new byte[4096];
        while (!socket.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buf, buf.length);
                socket.receive(packet);
                Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                byte[] answer = answer(query).toWire();
                socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) return;
            }
        }
    }

    private Message answer(Message query) {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        Record question = query.getQuestion();
        response.addRecord(question, Section.QUESTION);
        Name name = question.getName();
        if (broken.containsKey(name)) {
            response.getHeader().setRcode(Rcode.SERVFAIL);
            return response;
        }
        List<Record> known = records.get(name);
        if (known == null) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
            return response;
        }
        for (Record r : known) if (r.getType() == question.getType()) response.addRecord(r, Section.ANSWER);
        return response;
    }

    @Override
    public void close() {
        socket.close();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
