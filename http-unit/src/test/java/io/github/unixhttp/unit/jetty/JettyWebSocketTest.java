package io.github.unixhttp.unit.jetty;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import javax.net.ssl.SSLException;

import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.TestCertificates;
import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.unit.ServerIdentityCheck;
import io.github.unixhttp.unit.ServerIdentityException;
import io.github.unixhttp.unit.TcpTrap;
import io.github.unixhttp.unit.UnixClientOptions;
import io.github.unixhttp.unit.UnixRouteException;
import io.github.unixhttp.unit.UnixTls;
import org.eclipse.jetty.client.HttpProxy;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jetty's WebSocket client from {@link JettyUnixWebSockets}, against a Jetty WebSocket server on our connector: echoes
 * over a socket file and over an abstract name, the server identity check, and never TCP.
 */
class JettyWebSocketTest
{
    private static final int ECHOES = 100;

    @TempDir
    Path tmp;

    @Test
    void echoesOverASocketFile() throws Exception
    {
        Path socket = tmp.resolve("ws.sock");
        try (EchoServer server = EchoServer.start(connector -> connector.setSocketPath(socket)))
        {
            echoes(UnixSocketAddress.ofPath(socket), UnixClientOptions.defaults(), server);
        }
    }

    @Test
    void echoesOverAnAbstractName() throws Exception
    {
        Requirements.requireLinuxLayer("abstract names");
        String name = "unixhttp-ws-test-" + UUID.randomUUID();
        try (EchoServer server = EchoServer.start(connector -> connector.setSocket("@" + name)))
        {
            echoes(UnixSocketAddress.ofAbstractName(name), UnixClientOptions.defaults(), server);
        }
    }

    @Test
    void theServerIdentityIsCheckedBeforeTheUpgradeRequest() throws Exception
    {
        Requirements.requireLinuxLayer("abstract names");
        Path socket = tmp.resolve("ws.sock");
        String name = "unixhttp-ws-test-" + UUID.randomUUID();
        UnixClientOptions sameUser = UnixClientOptions.builder().serverIdentity(ServerIdentityCheck.sameUser()).build();
        UnixClientOptions someoneElse = UnixClientOptions.builder().serverIdentity(ServerIdentityCheck.uid(4242)).build();
        try (EchoServer file = EchoServer.start(connector -> connector.setSocketPath(socket));
             EchoServer named = EchoServer.start(connector -> connector.setSocket("@" + name)))
        {
            for (UnixSocketAddress address : new UnixSocketAddress[]{UnixSocketAddress.ofPath(socket), UnixSocketAddress.ofAbstractName(name)})
            {
                WebSocketClient refused = JettyUnixWebSockets.newWebSocketClient(address, someoneElse);
                refused.start();
                try
                {
                    Exception failure = assertThrows(Exception.class, () -> refused.connect(new Collector(), URI.create("ws://localhost/echo"))
                        .get(30, TimeUnit.SECONDS));
                    assertTrue(hasCause(failure, ServerIdentityException.class), "not refused by the identity check: " + failure);
                }
                finally
                {
                    refused.stop();
                }
            }
            assertEquals(0, file.upgrades() + named.upgrades(), "an upgrade request reached a server that failed the check");
            echoes(UnixSocketAddress.ofPath(socket), sameUser, file);
            echoes(UnixSocketAddress.ofAbstractName(name), sameUser, named);
        }
    }

    /**
     * wss:// over the socket: the server's certificate is checked against the name {@link UnixTls} gives (the URI says
     * localhost), before the upgrade request is written; a certificate for another name fails the connect.
     */
    @Test
    void echoesOverTlsAfterCheckingTheServersCertificateAgainstTheGivenName() throws Exception
    {
        TestCertificates certificates = TestCertificates.make(tmp, "app.internal");
        Path socket = tmp.resolve("wss.sock");
        URI uri = URI.create("wss://localhost/echo");
        try (EchoServer server = EchoServer.start(connector -> connector.setSocketPath(socket),
            new SslConnectionFactory(certificates.serverTls(), "http/1.1"),
            new HttpConnectionFactory(TestCertificates.httpsConfigurationForAnyHost())))
        {
            UnixSocketAddress address = UnixSocketAddress.ofPath(socket);
            UnixClientOptions otherName = UnixClientOptions.builder()
                .tls(UnixTls.trusting(certificates.certificatePem(), "other.internal")).build();
            WebSocketClient refused = JettyUnixWebSockets.newWebSocketClient(address, otherName);
            refused.start();
            try
            {
                Exception failure = assertThrows(Exception.class, () -> refused.connect(new Collector(), uri).get(30, TimeUnit.SECONDS));
                assertTrue(hasCause(failure, SSLException.class), "not refused by the certificate check: " + failure);
            }
            finally
            {
                refused.stop();
            }
            assertEquals(0, server.upgrades(), "an upgrade request reached the server over an unchecked connection");
            echoes(address, UnixClientOptions.builder().tls(UnixTls.trusting(certificates.certificatePem(), "app.internal")).build(),
                server, uri);
        }
    }

    /** A ws:// URI naming a TCP listener still goes to the socket; a proxy (over TCP) is refused. */
    @Test
    void neverOverTcp() throws Exception
    {
        Path socket = tmp.resolve("ws.sock");
        try (EchoServer server = EchoServer.start(connector -> connector.setSocketPath(socket));
             TcpTrap trap = TcpTrap.open())
        {
            URI tcp = URI.create("ws://127.0.0.1:" + trap.port() + "/echo");
            WebSocketClient client = JettyUnixWebSockets.newWebSocketClient(UnixSocketAddress.ofPath(socket));
            client.start();
            try
            {
                Collector collector = new Collector();
                Session session = client.connect(collector, tcp).get(30, TimeUnit.SECONDS);
                send(session, "over the socket");
                assertEquals("over the socket", collector.next());
                close(session, collector);
            }
            finally
            {
                client.stop();
            }
            assertEquals(1, server.upgrades());

            WebSocketClient proxied = JettyUnixWebSockets.newWebSocketClient(UnixSocketAddress.ofPath(socket));
            proxied.getHttpClient().getProxyConfiguration().addProxy(new HttpProxy("127.0.0.1", trap.port()));
            proxied.start();
            try
            {
                Exception failure = assertThrows(Exception.class, () -> proxied.connect(new Collector(), URI.create("ws://localhost/echo"))
                    .get(30, TimeUnit.SECONDS));
                assertTrue(hasCause(failure, UnixRouteException.class), "not refused as a route off the socket: " + failure);
            }
            finally
            {
                proxied.stop();
            }
            assertEquals(1, server.upgrades());
            assertEquals(List.of(), trap.arrivals(), "a WebSocket connection went over TCP");
        }
    }

    @Test
    void theHttpClientIsStartedAndStoppedWithTheWebSocketClient() throws Exception
    {
        WebSocketClient client = JettyUnixWebSockets.newWebSocketClient(UnixSocketAddress.ofPath(tmp.resolve("ws.sock")));
        client.start();
        assertTrue(client.getHttpClient().isStarted());
        client.stop();
        assertTrue(client.getHttpClient().isStopped());
    }

    /** {@value #ECHOES} text messages of growing size (up to about 60 KB), each echoed before the next is sent. */
    private static void echoes(UnixSocketAddress address, UnixClientOptions options, EchoServer server) throws Exception
    {
        echoes(address, options, server, URI.create("ws://localhost/echo"));
    }

    private static void echoes(UnixSocketAddress address, UnixClientOptions options, EchoServer server, URI uri) throws Exception
    {
        int upgradesBefore = server.upgrades();
        WebSocketClient client = JettyUnixWebSockets.newWebSocketClient(address, options);
        client.start();
        try
        {
            Collector collector = new Collector();
            Session session = client.connect(collector, uri).get(30, TimeUnit.SECONDS);
            for (int i = 1; i <= ECHOES; i++)
            {
                String message = i + ":" + "x".repeat(i * 600);
                send(session, message);
                assertEquals(message, collector.next(), "echo " + i);
            }
            close(session, collector);
            assertEquals(1, server.upgrades() - upgradesBefore, "all echoes on one WebSocket connection");
        }
        finally
        {
            client.stop();
        }
    }

    private static void send(Session session, String text) throws Exception
    {
        Callback.Completable sent = new Callback.Completable();
        session.sendText(text, sent);
        sent.get(30, TimeUnit.SECONDS);
    }

    /**
     * Closes normally, and waits for the server's close reply. (The callback of {@code close} may fail even then: the
     * reply can arrive, and the connection be closed, before the callback of the close frame's write is run.)
     */
    private static void close(Session session, Collector collector) throws Exception
    {
        session.close(StatusCode.NORMAL, "done", Callback.NOOP);
        assertEquals(StatusCode.NORMAL, collector.closed.get(30, TimeUnit.SECONDS));
    }

    private static boolean hasCause(Throwable failure, Class<? extends Throwable> type)
    {
        for (Throwable cause = failure; cause != null; cause = cause.getCause())
        {
            if (type.isInstance(cause))
                return true;
        }
        return false;
    }

    /** The client's end: keeps what arrives. */
    public static final class Collector implements Session.Listener.AutoDemanding
    {
        private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        private final CompletableFuture<Integer> closed = new CompletableFuture<>();

        @Override
        public void onWebSocketText(String message)
        {
            messages.add(message);
        }

        @Override
        public void onWebSocketError(Throwable failure)
        {
            messages.add("<error: " + failure + ">");
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason, Callback callback)
        {
            closed.complete(statusCode);
            callback.succeed();
        }

        String next() throws InterruptedException
        {
            String message = messages.poll(30, TimeUnit.SECONDS);
            assertTrue(message != null, "no message within 30 s");
            return message;
        }
    }

    /** The server's end: sends back each text message. */
    public static final class Echo implements Session.Listener.AutoDemanding
    {
        private volatile Session session;

        @Override
        public void onWebSocketOpen(Session session)
        {
            this.session = session;
        }

        @Override
        public void onWebSocketText(String message)
        {
            session.sendText(message, Callback.NOOP);
        }

        /** The client closes as soon as its close handshake is done, which may be before this side's reply is written. */
        @Override
        public void onWebSocketError(Throwable failure)
        {
        }
    }

    /** A Jetty WebSocket server on our connector, echoing at /echo, counting upgrades. */
    private static final class EchoServer implements AutoCloseable
    {
        private final Server server;
        private final AtomicInteger upgrades = new AtomicInteger();

        private EchoServer(Consumer<UnixSocketConnector> configure, ConnectionFactory... factories)
        {
            QueuedThreadPool threads = new QueuedThreadPool(32, 4);
            threads.setName("ws-test-server");
            server = new Server(threads);
            UnixSocketConnector connector = new UnixSocketConnector(server, factories);
            configure.accept(connector);
            server.addConnector(connector);
            server.setHandler(WebSocketUpgradeHandler.from(server, container -> container.addMapping("/echo", (request, response, callback) ->
            {
                upgrades.incrementAndGet();
                return new Echo();
            })));
        }

        /** @param factories the connector's, or none for its default (HTTP/1.1) */
        static EchoServer start(Consumer<UnixSocketConnector> configure, ConnectionFactory... factories) throws Exception
        {
            EchoServer echo = new EchoServer(configure, factories);
            try
            {
                echo.server.start();
            }
            catch (Exception failure)
            {
                echo.server.stop();
                throw failure;
            }
            return echo;
        }

        int upgrades()
        {
            return upgrades.get();
        }

        @Override
        public void close() throws Exception
        {
            server.stop();
        }
    }
}
