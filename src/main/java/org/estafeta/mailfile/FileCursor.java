package org.estafeta.mailfile;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Buffered reading of a file by lines or by octet counts, with a position that can be set back (Content-Length checks). */
final class FileCursor implements Closeable {

    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024).flip();
    /** File offset of the buffer's first octet. */
    private long bufferStart;

    FileCursor(Path file) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
    }

    long size() throws IOException {
        return channel.size();
    }

    long position() {
        return bufferStart + buffer.position();
    }

    void seek(long offset) {
        if (offset >= bufferStart && offset <= bufferStart + buffer.limit()) {
            buffer.position((int) (offset - bufferStart));
        } else {
            bufferStart = offset;
            buffer.clear().flip();
        }
    }

    private boolean fill() throws IOException {
        if (buffer.hasRemaining()) return true;
        bufferStart += buffer.limit();
        buffer.clear();
        int n = channel.read(buffer, bufferStart);
        buffer.flip();
        return n > 0;
    }

    /** The next line with its LF (none at the end of the file), or null at the end. */
    byte[] readLine() throws IOException {
        ByteArrayOutputStream line = null;
        while (fill()) {
            byte[] a = buffer.array();
            int from = buffer.position(), lim = buffer.limit(), i = from;
            while (i < lim && a[i] != '\n') i++;
            boolean complete = i < lim;
            int to = complete ? i + 1 : lim;
            buffer.position(to);
            if (line == null && complete) {
                byte[] out = new byte[to - from];
                System.arraycopy(a, from, out, 0, out.length);
                return out;
            }
            if (line == null) line = new ByteArrayOutputStream();
            line.write(a, from, to - from);
            if (complete) break;
        }
        return line == null ? null : line.toByteArray();
    }

    /** Up to {@code n} octets: fewer only at the end of the file. */
    byte[] read(long n) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(n, 1 << 20));
        long left = n;
        while (left > 0 && fill()) {
            int take = (int) Math.min(left, buffer.remaining());
            out.write(buffer.array(), buffer.position(), take);
            buffer.position(buffer.position() + take);
            left -= take;
        }
        return out.toByteArray();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
