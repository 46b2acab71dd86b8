package io.github.unixhttp.connector;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import io.github.unixhttp.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A new connection's first request is served on the thread that opened the connection when it is already there,
 * and through the selector as usual when the client writes it later: both must be answered, and so must the
 * requests after them on the same connection.
 */
class FirstRequestInPlaceTest
{
    private static final String REQUEST = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";

    @TempDir
    Path tmp;

    @Test
    void aRequestWrittenBeforeTheAcceptIsServed() throws Exception
    {
        try (TestServer server = TestServer.start(tmp.resolve("s.sock"));
             SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX))
        {
            client.connect(UnixDomainSocketAddress.of(server.socket()));
            client.write(StandardCharsets.US_ASCII.encode(REQUEST));
            assertTrue(readResponse(client).startsWith("HTTP/1.1 200"));
            client.write(StandardCharsets.US_ASCII.encode(REQUEST));
            assertTrue(readResponse(client).startsWith("HTTP/1.1 200"));
            assertEquals(2, server.handler().handled());
        }
    }

    @Test
    void aRequestWrittenLaterIsServedThroughTheSelector() throws Exception
    {
        try (TestServer server = TestServer.start(tmp.resolve("s.sock"));
             SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX))
        {
            client.connect(UnixDomainSocketAddress.of(server.socket()));
            // Long enough for the connection to be opened and its first read to find nothing.
            Thread.sleep(300);
            client.write(StandardCharsets.US_ASCII.encode(REQUEST));
            assertTrue(readResponse(client).startsWith("HTTP/1.1 200"));
            client.write(StandardCharsets.US_ASCII.encode(REQUEST));
            assertTrue(readResponse(client).startsWith("HTTP/1.1 200"));
            assertEquals(2, server.handler().handled());
        }
    }

    /** Reads one response whose body is "hello" (the test handler's answer). */
    private static String readResponse(SocketChannel client) throws IOException
    {
        StringBuilder response = new StringBuilder();
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        while (!(response.indexOf("\r\n\r\n") >= 0 && response.toString().endsWith("hello")))
        {
            buffer.clear();
            if (client.read(buffer) < 0)
                break;
            buffer.flip();
            response.append(StandardCharsets.US_ASCII.decode(buffer));
        }
        return response.toString();
    }
}
