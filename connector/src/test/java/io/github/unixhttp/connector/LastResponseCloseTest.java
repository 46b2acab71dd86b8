package io.github.unixhttp.connector;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.testing.TestServer;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * After its last response ({@code Connection: close}, or HTTP/1.0) a connection is closed at once rather than kept
 * until the client closes its end; the client still reads the whole response and then an end of stream, also when
 * it had already sent more.
 */
class LastResponseCloseTest
{
    @TempDir
    Path tmp;

    @Test
    void theServerClosesAfterTheLastResponseWithoutWaitingForTheClient() throws Exception
    {
        for (String request : new String[]{"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", "GET / HTTP/1.0\r\n\r\n"})
        {
            try (TestServer server = TestServer.start(tmp.resolve("s.sock"));
                 SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX))
            {
                client.connect(UnixDomainSocketAddress.of(server.socket()));
                client.write(StandardCharsets.US_ASCII.encode(request));
                String response = readToEnd(client);
                assertTrue(response.startsWith("HTTP/1.") && response.contains(" 200 ") && response.endsWith("hello"), response);
                // The client keeps its end open: the server's end must go anyway, long before any idle timeout.
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (!server.connector().getConnectedEndPoints().isEmpty() && System.nanoTime() < deadline)
                    Thread.sleep(10);
                assertEquals(0, server.connector().getConnectedEndPoints().size(), "still open after " + request.trim());
            }
        }
    }

    @Test
    void aClientThatSentMoreReadsTheWholeResponseAndAnEndOfStream() throws Exception
    {
        try (TestServer server = TestServer.start(tmp.resolve("s.sock"));
             SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX))
        {
            client.connect(UnixDomainSocketAddress.of(server.socket()));
            // A request after the last one: never answered, and what was sent must not make the close a reset.
            client.write(StandardCharsets.US_ASCII.encode("GET /last HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" +
                "GET /never HTTP/1.1\r\nHost: localhost\r\n\r\n"));
            String response = readToEnd(client);
            assertTrue(response.startsWith("HTTP/1.1 200 ") && response.endsWith("hello"), response);
            assertEquals(1, server.handler().handled());
        }
    }

    @Test
    void whatTheClientSendsWhileTheLastRequestIsHandledDoesNotMakeTheCloseAReset() throws Exception
    {
        CountDownLatch handling = new CountDownLatch(1);
        CountDownLatch sentMore = new CountDownLatch(1);
        Server server = new Server();
        UnixSocketConnector connector = new UnixSocketConnector(server);
        connector.setSocketPath(tmp.resolve("s.sock"));
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract()
        {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception
            {
                handling.countDown();
                // The request has been read: what the client sends now arrives while it is handled.
                sentMore.await(10, TimeUnit.SECONDS);
                Content.Sink.write(response, true, "hello", callback);
                return true;
            }
        });
        server.start();
        try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX))
        {
            client.connect(UnixDomainSocketAddress.of(connector.getSocketPath()));
            client.write(StandardCharsets.US_ASCII.encode("GET /last HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
            assertTrue(handling.await(10, TimeUnit.SECONDS));
            client.write(StandardCharsets.US_ASCII.encode("GET /never HTTP/1.1\r\nHost: localhost\r\n\r\n"));
            sentMore.countDown();
            // Closing a Unix socket with data unread would make the client's read after the response fail with a reset.
            String response = readToEnd(client);
            assertTrue(response.startsWith("HTTP/1.1 200 ") && response.endsWith("hello"), response);
        }
        finally
        {
            server.stop();
        }
    }

    /** Reads until the end of stream; a reset fails the test with its IOException. */
    private static String readToEnd(SocketChannel client) throws IOException
    {
        StringBuilder response = new StringBuilder();
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        while (true)
        {
            buffer.clear();
            if (client.read(buffer) < 0)
                return response.toString();
            buffer.flip();
            response.append(StandardCharsets.US_ASCII.decode(buffer));
        }
    }
}
