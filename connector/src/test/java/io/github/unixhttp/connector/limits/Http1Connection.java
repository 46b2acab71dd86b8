package io.github.unixhttp.connector.limits;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

import io.github.unixhttp.testing.Exchange;

/** One keep-alive HTTP/1.1 connection over the JDK's own channel: a request out, its response (head and body) back. */
final class Http1Connection implements AutoCloseable
{
    record Response(int status, String head, String body)
    {
        /** @return the value of header {@code name}, or {@code null} */
        String header(String name)
        {
            for (String line : head.split("\r\n"))
            {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name))
                    return line.substring(colon + 1).trim();
            }
            return null;
        }
    }

    private final SocketChannel channel;

    private Http1Connection(SocketChannel channel)
    {
        this.channel = channel;
    }

    static Http1Connection open(Path socket) throws IOException
    {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try
        {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return new Http1Connection(channel);
        }
        catch (IOException failure)
        {
            channel.close();
            throw failure;
        }
    }

    /** Sends {@code GET path}, keeping the connection open. */
    void send(String path) throws IOException
    {
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buffer = ByteBuffer.wrap(request);
        while (buffer.hasRemaining())
            channel.write(buffer);
    }

    /** Reads one response, whose body has a {@code Content-Length}. */
    Response receive() throws IOException
    {
        String head = Exchange.readHead(channel);
        if (!head.endsWith("\r\n\r\n"))
            throw new EOFException("the connection ended before a response head: '" + head + "'");
        int status = Integer.parseInt(head.substring(9, 12));
        int length = 0;
        for (String line : head.split("\r\n"))
        {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:"))
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        while (body.size() < length)
        {
            buffer.clear().limit(Math.min(buffer.capacity(), length - body.size()));
            if (channel.read(buffer) < 0)
                throw new EOFException("the connection ended in a response body");
            body.write(buffer.array(), 0, buffer.position());
        }
        return new Response(status, head, body.toString(StandardCharsets.UTF_8));
    }

    Response get(String path) throws IOException
    {
        send(path);
        return receive();
    }

    @Override
    public void close() throws IOException
    {
        channel.close();
    }
}
