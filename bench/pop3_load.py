#!/usr/bin/env python3
"""POP3 load client for bench/pop3.sh.

Runs one warm-up round, then rounds until --seconds of POP3 time have passed. Each round first fills
the maildrops through SMTP (--messages messages of about --size bytes, spread evenly over --users
users, over --seed-clients connections; not timed), then
--clients parallel POP3 clients empty them (timed): each client takes the next user, logs in with
USER/PASS, LISTs, RETRieves and DELEtes every message, and QUITs, until every user has been served
once. Every RETR is checked against its LIST size. A round is needed because the server cannot hand
out more mail than it holds: 1,500 messages last well under a second at the target rate. The
warm-up round is reported apart: there the JIT is cold and every first login costs an Argon2id
verification (later ones hit the server's verified-password cache, auth.cache_ttl).

Prints one summary line per round to stderr and, at the end, key=value lines on stdout.
"""
import argparse
import os
import queue
import random
import smtplib
import socket
import sys
import threading
import time


def message(user, domain, n, size):
    """A plain-text message of about `size` octets; some lines start with a dot (stuffed on the wire)."""
    head = (f"From: Bench <sender@{domain}>\r\nTo: <{user}>\r\nSubject: bench message {n}\r\n"
            f"Message-ID: <{n}.{random.getrandbits(48):x}@{domain}>\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n")
    body, i = [], 0
    length = len(head)
    while length < size:
        line = ("." if i % 10 == 0 else "") + f"line {i:04d} " + "lorem ipsum dolor sit amet consectetur " * 2
        body.append(line[:76])
        length += len(body[-1]) + 2
        i += 1
    return (head + "\r\n".join(body) + "\r\n").encode()


def seed(args):
    """Delivers args.messages messages through SMTP, round-robin over the users, args.clients connections."""
    jobs = queue.Queue()
    for n in range(args.messages):
        jobs.put((f"user{n % args.users + 1}@{args.domain}", n))
    errors = []

    def worker():
        client = None
        try:
            client = smtplib.SMTP("127.0.0.1", args.smtp_port, timeout=60)
            client.ehlo("bench-client.test")
            while True:
                try:
                    rcpt, n = jobs.get_nowait()
                except queue.Empty:
                    return
                client.sendmail(f"sender@{args.domain}", [rcpt], message(rcpt, args.domain, n, args.size))
        except Exception as e:  # reported after the threads end
            errors.append(repr(e))
        finally:
            try:
                if client is not None:
                    client.quit()
            except Exception:
                pass

    threads = [threading.Thread(target=worker) for _ in range(args.seed_clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        sys.exit(f"seeding failed: {errors[0]}")


class Pop3:
    """A blocking POP3 connection with a read buffer; multi-line bodies are found by their terminator."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        self.buf = bytearray()
        self.status()

    def fill(self):
        data = self.sock.recv(262144)
        if not data:
            raise ConnectionError("server closed the connection")
        self.buf += data

    def line(self):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line = bytes(self.buf[:i])
                del self.buf[:i + 2]
                return line
            self.fill()

    def status(self):
        line = self.line()
        if not line.startswith(b"+OK"):
            raise RuntimeError(f"server said {line!r}")
        return line

    def body(self):
        """The body of a multi-line reply, dot-stuffing removed."""
        start = 0
        while True:
            if self.buf.startswith(b".\r\n"):
                del self.buf[:3]
                return b""
            i = self.buf.find(b"\r\n.\r\n", start)
            if i >= 0:
                body = bytes(self.buf[:i + 2])
                del self.buf[:i + 5]
                body = body.replace(b"\r\n..", b"\r\n.")
                return body[1:] if body.startswith(b"..") else body
            start = max(0, len(self.buf) - 4)
            self.fill()

    def send(self, data):
        self.sock.sendall(data)

    def close(self):
        self.sock.close()


def session(args, user, pipeline):
    """One login/LIST/RETR+DELE.../QUIT cycle; returns the number of messages retrieved and deleted."""
    c = Pop3(args.pop3_port)
    try:
        if pipeline:
            c.send(f"USER {user}\r\nPASS {args.password}\r\nLIST\r\n".encode())
            c.status()
            c.status()
        else:
            c.send(f"USER {user}\r\n".encode())
            c.status()
            c.send(f"PASS {args.password}\r\n".encode())
            c.status()
            c.send(b"LIST\r\n")
        c.status()
        sizes = [int(l.split()[1]) for l in c.body().split(b"\r\n") if l]
        if pipeline:
            c.send(b"".join(b"RETR %d\r\nDELE %d\r\n" % (n, n) for n in range(1, len(sizes) + 1)) + b"QUIT\r\n")
        for n, size in enumerate(sizes, 1):
            if not pipeline:
                c.send(b"RETR %d\r\n" % n)
            c.status()
            got = len(c.body())
            if got != size:
                raise RuntimeError(f"{user} message {n}: LIST said {size} octets, RETR sent {got}")
            if not pipeline:
                c.send(b"DELE %d\r\n" % n)
            c.status()
        if not pipeline:
            c.send(b"QUIT\r\n")
        c.status()
        return len(sizes)
    finally:
        c.close()


def pop_round(args):
    """Every user served once by args.clients parallel clients; returns (messages, sessions, seconds)."""
    users = queue.Queue()
    for i in range(1, args.users + 1):
        users.put(f"user{i}@{args.domain}")
    counts, errors = [], []

    def worker():
        done = 0
        try:
            while True:
                try:
                    user = users.get_nowait()
                except queue.Empty:
                    break
                done += session(args, user, args.pipeline)
        except Exception as e:
            errors.append(repr(e))
        counts.append(done)

    threads = [threading.Thread(target=worker) for _ in range(args.clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        sys.exit(f"POP3 client failed: {errors[0]}")
    return sum(counts), args.users, elapsed


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pop3-port", type=int, required=True)
    p.add_argument("--smtp-port", type=int, required=True)
    p.add_argument("--domain", default="bench.test")
    p.add_argument("--password", default="pw")
    p.add_argument("--users", type=int, default=100)
    p.add_argument("--messages", type=int, default=1500)
    p.add_argument("--size", type=int, default=6000)
    p.add_argument("--clients", type=int, default=10)
    p.add_argument("--seed-clients", type=int, default=40, help="SMTP connections that refill the maildrops")
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--pipeline", action="store_true", help="send RETR/DELE/QUIT at once (RFC 2449 PIPELINING)")
    p.add_argument("--server-pid", type=int, help="report this process's CPU time during the timed rounds")
    args = p.parse_args()

    def cpu_seconds():
        """User + system CPU time of the server so far (0 when no pid was given)."""
        if not args.server_pid:
            return 0.0
        with open(f"/proc/{args.server_pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    server_cpu = [0.0]
    client_cpu = [0.0]

    def one_round(label):
        t = time.perf_counter()
        seed(args)
        seeding = time.perf_counter() - t
        cpu, own = cpu_seconds(), time.process_time()
        n, s, elapsed = pop_round(args)
        server_cpu[0] = cpu_seconds() - cpu
        client_cpu[0] = time.process_time() - own
        if n != args.messages:
            sys.exit(f"{label}: retrieved {n} messages, expected {args.messages}")
        print(f"{label}: {n} messages in {elapsed:.2f} s ({n / elapsed:.0f} msg/s); refilling took {seeding:.2f} s",
              file=sys.stderr)
        return n, s, elapsed, seeding

    n, s, elapsed, _ = one_round("warm-up round")
    print(f"warmup_messages={n}")
    print(f"warmup_seconds={elapsed:.2f}")
    print(f"warmup_rate={n / elapsed:.0f}")
    messages = sessions = rounds = 0
    pop_time = seed_time = cpu_time = own_time = 0.0
    while pop_time < args.seconds:
        n, s, elapsed, seeding = one_round(f"round {rounds + 1}")
        cpu_time += server_cpu[0]
        own_time += client_cpu[0]
        messages += n
        sessions += s
        pop_time += elapsed
        seed_time += seeding
        rounds += 1
    print(f"rounds={rounds}")
    print(f"messages={messages}")
    print(f"sessions={sessions}")
    print(f"pop3_seconds={pop_time:.2f}")
    print(f"seed_seconds={seed_time:.2f}")
    print(f"rate={messages / pop_time:.0f}")
    print(f"sessions_rate={sessions / pop_time:.0f}")
    print(f"server_cpu={cpu_time:.1f}")
    print(f"client_cpu={own_time:.1f}")

if __name__ == "__main__":
    main()
