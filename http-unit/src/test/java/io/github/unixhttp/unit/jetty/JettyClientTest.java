package io.github.unixhttp.unit.jetty;

import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.testing.TestServer;
import io.github.unixhttp.unit.Bodies;
import io.github.unixhttp.unit.ServerIdentityCheck;
import io.github.unixhttp.unit.ServerIdentityException;
import io.github.unixhttp.unit.Servers;
import io.github.unixhttp.unit.UnixClientOptions;
import io.github.unixhttp.unit.UnixUrl;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.ClientConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jetty's HttpClient through {@link JettyUnixClients}, against our connector and Jetty's.
 */
class JettyClientTest
{
    @TempDir
    Path tmp;
    HttpClient client;

    @BeforeEach
    void startClient() throws Exception
    {
        client = JettyUnixClients.newHttpClient(UnixClientOptions.defaults());
        client.start();
    }

    @AfterEach
    void stopClient() throws Exception
    {
        client.stop();
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void getPostAndKeepAlive(Servers kind) throws Exception
    {
        Path socket = tmp.resolve("app.sock");
        String base = UnixUrl.format(UnixSocketAddress.ofPath(socket), "");
        try (Servers.Running server = kind.start(socket))
        {
            String first = send(JettyUnixClients.newRequest(client, base + "info")).getContentAsString();
            ContentResponse echoed = send(JettyUnixClients.newRequest(client, base + "echo").method(HttpMethod.POST)
                .body(new StringRequestContent("posted")));
            assertEquals("posted", echoed.getContentAsString());
            String third = send(JettyUnixClients.newRequest(client, base + "info?z=3")).getContentAsString();
            assertEquals(Bodies.field(first, "connection"), Bodies.field(third, "connection"), "the connection was not reused");
            assertEquals("http://localhost/info?z=3", Bodies.field(third, "uri"));
            assertEquals(3, server.handler().handled());
        }
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void tenMegabytesEachWay(Servers kind) throws Exception
    {
        Path socket = tmp.resolve("app.sock");
        byte[] upload = Bodies.random(Bodies.TEN_MEGABYTES);
        try (Servers.Running server = kind.start(socket))
        {
            ContentResponse echoed = send(client.newRequest("http://localhost/echo").method(HttpMethod.POST)
                .transport(JettyUnixClients.transport(UnixSocketAddress.ofPath(socket))).body(new BytesRequestContent(upload)));
            assertArrayEquals(upload, echoed.getContent());
            ContentResponse downloaded = send(client.newRequest("http://localhost/bytes?n=" + Bodies.TEN_MEGABYTES)
                .transport(JettyUnixClients.transport(UnixSocketAddress.ofPath(socket))));
            assertArrayEquals(Bodies.served(Bodies.TEN_MEGABYTES), downloaded.getContent());
        }
    }

    @Test
    void abstractNamesAreReachedOnTheClientsOwnSelectorsWithKeepAliveAndLargeBodies() throws Exception
    {
        Requirements.requireLinuxLayer("abstract names");
        String name = "unixhttp-jetty-test-" + UUID.randomUUID();
        byte[] upload = Bodies.random(Bodies.TEN_MEGABYTES);
        try (TestServer server = TestServer.start(connector -> connector.setSocket("@" + name)))
        {
            String base = UnixUrl.format(UnixSocketAddress.ofAbstractName(name), "");
            String first = send(JettyUnixClients.newRequest(client, base + "info")).getContentAsString();
            assertEquals("@" + name, Bodies.field(first, "local"));
            ContentResponse echoed = send(JettyUnixClients.newRequest(client, base + "echo").method(HttpMethod.POST)
                .body(new BytesRequestContent(upload)));
            assertArrayEquals(upload, echoed.getContent());
            ContentResponse downloaded = send(JettyUnixClients.newRequest(client, base + "bytes?n=" + Bodies.TEN_MEGABYTES));
            assertArrayEquals(Bodies.served(Bodies.TEN_MEGABYTES), downloaded.getContent());
            String last = send(JettyUnixClients.newRequest(client, base + "info")).getContentAsString();
            assertEquals(Bodies.field(first, "connection"), Bodies.field(last, "connection"), "the connection was not reused");
            assertEquals(4, server.handler().handled());
            // On the JDK's channels (the tests export sun.nio.ch): no second connector with jnr's selector was needed.
            assertEquals(1, client.getContainedBeans(ClientConnector.class).size(), client.dump());
        }
    }

    @Test
    void abstractNameConnectionsFollowTheClientsIdleTimeout() throws Exception
    {
        Requirements.requireLinuxLayer("abstract names");
        String name = "unixhttp-jetty-test-" + UUID.randomUUID();
        HttpClient impatient = JettyUnixClients.newHttpClient(UnixClientOptions.defaults());
        impatient.setIdleTimeout(300);
        impatient.start();
        try (TestServer server = TestServer.start(connector -> connector.setSocket("@" + name)))
        {
            String base = UnixUrl.format(UnixSocketAddress.ofAbstractName(name), "");
            String first = send(JettyUnixClients.newRequest(impatient, base + "info")).getContentAsString();
            // The client closes its idle connection after 300 ms: the server sees it go (within 10 s, however
            // loaded the machine; the server's own idle timeout is far longer).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!server.connector().getConnectedEndPoints().isEmpty() && System.nanoTime() < deadline)
                Thread.sleep(20);
            assertTrue(server.connector().getConnectedEndPoints().isEmpty(), "the client's idle connection is still open");
            String second = send(JettyUnixClients.newRequest(impatient, base + "info")).getContentAsString();
            assertNotEquals(Bodies.field(first, "connection"), Bodies.field(second, "connection"),
                "the connection outlived the client's 300 ms idle timeout");
        }
        finally
        {
            impatient.stop();
        }
    }

    @Test
    void abstractNamesGetTheServerIdentityCheck() throws Exception
    {
        Requirements.requireLinuxLayer("abstract names");
        String name = "unixhttp-jetty-test-" + UUID.randomUUID();
        UnixSocketAddress address = UnixSocketAddress.ofAbstractName(name);
        UnixClientOptions sameUser = UnixClientOptions.builder().serverIdentity(ServerIdentityCheck.sameUser()).build();
        UnixClientOptions someoneElse = UnixClientOptions.builder().serverIdentity(ServerIdentityCheck.uid(4242)).build();
        try (TestServer server = TestServer.start(connector -> connector.setSocket("@" + name)))
        {
            send(client.newRequest("http://localhost/info").transport(JettyUnixClients.transport(address, sameUser)));
            Exception refused = assertThrows(Exception.class, () -> client.newRequest("http://localhost/info")
                .transport(JettyUnixClients.transport(address, someoneElse)).timeout(60, TimeUnit.SECONDS).send());
            assertTrue(hasCause(refused, ServerIdentityException.class), "not refused by the identity check: " + refused);
            assertEquals(1, server.handler().handled(), "the request reached the wrong server");
        }
    }

    @Test
    void aClientBoundToAnAbstractNameSendsEveryRequestThere() throws Exception
    {
        Requirements.requireLinuxLayer("abstract names");
        String name = "unixhttp-jetty-test-" + UUID.randomUUID();
        HttpClient bound = JettyUnixClients.newHttpClient(UnixSocketAddress.ofAbstractName(name), UnixClientOptions.defaults());
        bound.start();
        try (TestServer server = TestServer.start(connector -> connector.setSocket("@" + name)))
        {
            String first = send(bound.newRequest("http://localhost/info")).getContentAsString();
            assertEquals("@" + name, Bodies.field(first, "local"));
            String second = send(bound.newRequest("http://example.com/info")).getContentAsString();
            assertEquals(Bodies.field(first, "connection"), Bodies.field(bound.newRequest("http://localhost/info").send().getContentAsString(),
                "connection"), "the connection was not reused");
            assertEquals("http://example.com/info", Bodies.field(second, "uri"));
            assertEquals(3, server.handler().handled());
        }
        finally
        {
            bound.stop();
        }
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

    private static ContentResponse send(org.eclipse.jetty.client.Request request) throws Exception
    {
        ContentResponse response = new CompletableResponseListener(request.timeout(60, TimeUnit.SECONDS), 2 * Bodies.TEN_MEGABYTES)
            .send().get(60, TimeUnit.SECONDS);
        assertEquals(200, response.getStatus());
        return response;
    }
}
