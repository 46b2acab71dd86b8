package io.github.unixhttp.connector;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.testing.Exchange;
import io.github.unixhttp.testing.TestHandler;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A graceful stop ({@code Server.stop()} with a stop timeout) finishes the responses in progress, however slowly
 * their clients read, and closes idle keep-alive connections promptly.
 */
class GracefulStopTest
{
    private static final long STOP_TIMEOUT_MILLIS = 60_000;
    /** Longer than the shutdown idle timeout (1 s) that Jetty applies to every connection when a stop begins. */
    private static final long CLIENT_PAUSE_MILLIS = 3_000;

    @TempDir
    Path dir;
    private Server server;
    private UnixSocketConnector connector;

    @BeforeEach
    void startServer() throws Exception
    {
        startServer(new GracefulHandler(new TestHandler()));
    }

    private void startServer(Handler handler) throws Exception
    {
        if (server != null)
            server.stop();
        server = new Server();
        connector = new UnixSocketConnector(server, new HttpConnectionFactory(UnixSocketConnector.newHttpConfiguration()));
        connector.setSocketPath(dir.resolve("app.sock"));
        // Small, so that the server really is blocked writing while the client pauses: a Unix stream socket's
        // sender buffer is what holds unread bytes.
        connector.setAcceptedSendBufferSize(16 * 1024);
        server.addConnector(connector);
        server.setHandler(handler);
        server.setStopTimeout(STOP_TIMEOUT_MILLIS);
        server.start();
    }

    @AfterEach
    void stopServer() throws Exception
    {
        server.setStopTimeout(0);
        server.stop();
    }

    @Test
    void aResponseToAClientThatPausesReadingDuringTheStopIsCompleted() throws Exception
    {
        int size = 4 * 1024 * 1024;
        try (SocketChannel client = connect())
        {
            send(client, "GET /bytes?n=" + size + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
            Response response = Response.readHead(client);
            long received = response.readBody(client, 512 * 1024);

            CompletableFuture<Void> stop = CompletableFuture.runAsync(this::stopQuietly);
            awaitShutdown();
            Thread.sleep(CLIENT_PAUSE_MILLIS);
            received += response.readBody(client, Long.MAX_VALUE);

            assertEquals(size, received, "body bytes received; the stop cut the response short");
            stop.get(STOP_TIMEOUT_MILLIS / 2, TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedSoonAfterTheStopBegins() throws Exception
    {
        try (SocketChannel client = connect())
        {
            send(client, "GET /info HTTP/1.1\r\nHost: localhost\r\n\r\n");
            Response response = Response.readHead(client);
            response.readBody(client, response.contentLength());
            assertTrue(client.isOpen());

            CompletableFuture<Void> stop = CompletableFuture.runAsync(this::stopQuietly);
            // Well under the stop timeout that a kept-alive connection would otherwise hold the stop for.
            stop.get(STOP_TIMEOUT_MILLIS / 3, TimeUnit.MILLISECONDS);
            assertEquals(-1, client.read(ByteBuffer.allocate(1)), "the server should have closed the idle connection");
        }
    }

    /** Without a GracefulHandler (which would answer 503), a request may still arrive on a kept-alive connection. */
    @Test
    void aRequestOnAConnectionTheStopFoundIdleIsServedWithTheUsualPatience() throws Exception
    {
        startServer(new TestHandler());
        // The window for the request: Jetty checks the shortened timeout at once against the time since the first
        // response, and on a loaded machine (CI, 2 cores) more than Jetty's default 1 s can pass before the stop.
        connector.setShutdownIdleTimeout(5_000);
        int size = 4 * 1024 * 1024;
        try (SocketChannel client = connect())
        {
            send(client, "GET /info HTTP/1.1\r\nHost: localhost\r\n\r\n");
            Response first = Response.readHead(client);
            first.readBody(client, first.contentLength());

            // The stop finds the connection idle and gives it the shutdown idle timeout; the request comes within it.
            CompletableFuture<Void> stop = CompletableFuture.runAsync(this::stopQuietly);
            awaitShutdown();
            send(client, "GET /bytes?n=" + size + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
            Response second = Response.readHead(client);
            long received = second.readBody(client, 512 * 1024);
            Thread.sleep(CLIENT_PAUSE_MILLIS);
            received += second.readBody(client, Long.MAX_VALUE);

            assertTrue(second.head().startsWith("HTTP/1.1 200 "), second.head());
            assertEquals(size, received, "body bytes received; the stop cut the response short");
            stop.get(STOP_TIMEOUT_MILLIS / 2, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Jetty's connectors close their listening socket when a stop begins. Without a GracefulHandler a connection
     * accepted during the stop would be served normally (and could prolong the stop); with one, answered 503.
     */
    @ParameterizedTest(name = "acceptors={0}, graceful handler={1}")
    @CsvSource({"0,false", "0,true", "1,false"})
    void aConnectionAfterTheStopBeganIsRefusedWhileTheResponseInProgressFinishes(int acceptors, boolean gracefulHandler) throws Exception
    {
        server.stop();
        server = new Server();
        connector = new UnixSocketConnector(server, acceptors, -1, new HttpConnectionFactory(UnixSocketConnector.newHttpConfiguration()));
        connector.setSocketPath(dir.resolve("app.sock"));
        connector.setAcceptedSendBufferSize(16 * 1024);
        server.addConnector(connector);
        server.setHandler(gracefulHandler ? new GracefulHandler(new TestHandler()) : new TestHandler());
        server.setStopTimeout(STOP_TIMEOUT_MILLIS);
        server.start();

        int size = 4 * 1024 * 1024;
        try (SocketChannel client = connect())
        {
            send(client, "GET /bytes?n=" + size + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
            Response response = Response.readHead(client);
            long received = response.readBody(client, 512 * 1024);

            CompletableFuture<Void> stop = CompletableFuture.runAsync(this::stopQuietly);
            awaitShutdown();
            IOException refused = assertThrows(IOException.class, this::connect, "a connection after the stop began was accepted");
            assertTrue(refused instanceof java.net.ConnectException || refused instanceof java.net.SocketException, refused.toString());

            received += response.readBody(client, Long.MAX_VALUE);
            assertEquals(size, received, "body bytes received; the stop cut the response short");
            stop.get(STOP_TIMEOUT_MILLIS / 2, TimeUnit.MILLISECONDS);
        }
    }

    private SocketChannel connect() throws Exception
    {
        return SocketChannel.open(UnixDomainSocketAddress.of(connector.getSocketPath()));
    }

    private void awaitShutdown() throws InterruptedException
    {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!connector.isShutdown() && System.nanoTime() < deadline)
            Thread.sleep(10);
        assertTrue(connector.isShutdown(), "the graceful stop did not begin");
    }

    private void stopQuietly()
    {
        try
        {
            server.stop();
        }
        catch (Exception failure)
        {
            throw new IllegalStateException(failure);
        }
    }

    private static void send(SocketChannel client, String request) throws Exception
    {
        ByteBuffer bytes = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
        while (bytes.hasRemaining())
            client.write(bytes);
    }

    /** An HTTP/1.1 response read byte by byte up to the end of its head, then its body counted, not kept. */
    private record Response(String head, ByteBuffer scratch)
    {
        static Response readHead(SocketChannel client) throws Exception
        {
            return new Response(Exchange.readHead(client), ByteBuffer.allocate(64 * 1024));
        }

        long contentLength()
        {
            for (String line : head.split("\r\n"))
            {
                if (line.toLowerCase().startsWith("content-length:"))
                    return Long.parseLong(line.substring("content-length:".length()).trim());
            }
            throw new AssertionError("no Content-Length in " + head);
        }

        /** Reads until {@code atLeast} body bytes arrived or the server closed; returns the count. */
        long readBody(SocketChannel client, long atLeast) throws Exception
        {
            long count = 0;
            while (count < atLeast)
            {
                int read = client.read(scratch.clear());
                if (read < 0)
                    break;
                count += read;
            }
            return count;
        }
    }
}
