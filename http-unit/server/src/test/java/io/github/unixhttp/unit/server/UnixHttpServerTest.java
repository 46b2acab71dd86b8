package io.github.unixhttp.unit.server;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.connector.binding.SocketFileMode;
import io.github.unixhttp.connector.policy.PeerPolicy;
import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import io.github.unixhttp.testing.TestHandler;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnixHttpServerTest
{
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    @BeforeEach
    void needsCurl()
    {
        Requirements.requireCommand("curl");
    }

    @Test
    void oneCallServesAHandlerOnASocketFileAndCloseRemovesIt() throws Exception
    {
        Path socket = tmp.resolve("app.sock");
        try (UnixHttpServer server = UnixHttpServer.builder(UnixSocketAddress.ofPath(socket)).handler(new TestHandler())
            .mode(SocketFileMode.of(0600)).start())
        {
            assertEquals("600", Run.run(WAIT, "stat", "-c", "%a", socket.toString()).requireSuccess().stdout().trim());
            assertEquals("hello", Run.run(WAIT, "curl", "-sS", "--unix-socket", socket.toString(), "http://localhost/").requireSuccess().stdout());
        }
        assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void abstractNameWithAPolicyAndH2c() throws Exception
    {
        Requirements.requireLinuxLayer("abstract names");
        String name = "unixhttp-test-" + UUID.randomUUID();
        try (UnixHttpServer server = UnixHttpServer.builder(UnixSocketAddress.ofAbstractName(name)).handler(new TestHandler())
            .peerPolicy(PeerPolicy.builder().allowSameUser().build()).h2c(true).start())
        {
            String info = Run.run(WAIT, "curl", "-sS", "--http2-prior-knowledge", "--abstract-unix-socket", name, "http://localhost/info")
                .requireSuccess().stdout();
            assertTrue(info.contains("version=HTTP/2.0") && info.contains("peer.uid=0"), info);
        }
    }

    /**
     * Anyone can reach an abstract name: without a policy the one-call server admits only its own user there (a
     * second user is refused), and an explicit allowAll() opens it again. A socket file keeps allowing all.
     */
    @Test
    void anAbstractNameAdmitsOnlyTheSameUserByDefault() throws Exception
    {
        Requirements.requireLinuxLayer("abstract names");
        Requirements.requireRoot();
        String name = "unixhttp-test-" + UUID.randomUUID();
        try (UnixHttpServer server = UnixHttpServer.serve(UnixSocketAddress.ofAbstractName(name), new TestHandler()))
        {
            Run.Result other = Run.run(WAIT, Run.asOtherUser(List.of("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}",
                "--abstract-unix-socket", name, "http://localhost/"))).requireSuccess();
            assertEquals("403", other.stdout());
            assertEquals("hello", Run.run(WAIT, "curl", "-sS", "--abstract-unix-socket", name, "http://localhost/").requireSuccess().stdout());
            assertEquals(1, server.getConnector().getRefusedConnections());
        }
        try (UnixHttpServer server = UnixHttpServer.builder(UnixSocketAddress.ofAbstractName(name)).handler(new TestHandler())
            .peerPolicy(PeerPolicy.allowAll()).start())
        {
            Run.Result other = Run.run(WAIT, Run.asOtherUser(List.of("curl", "-sS", "--abstract-unix-socket", name, "http://localhost/")))
                .requireSuccess();
            assertEquals("hello", other.stdout());
        }
    }

    @Test
    void addConnectorToAddsASocketToARunningServer() throws Exception
    {
        Server server = new Server();
        server.setHandler(new TestHandler());
        server.start();
        try
        {
            UnixSocketConnector connector = UnixHttpServer.builder(UnixSocketAddress.ofPath(tmp.resolve("extra.sock"))).addConnectorTo(server);
            assertTrue(connector.isStarted());
            assertEquals("hello", Run.run(WAIT, "curl", "-sS", "--unix-socket", tmp.resolve("extra.sock").toString(), "http://localhost/")
                .requireSuccess().stdout());
        }
        finally
        {
            server.stop();
        }
    }

    @Test
    void aHandlerForAnExistingServerIsRefusedRatherThanIgnored() throws Exception
    {
        Server server = new Server();
        UnixHttpServer.Builder builder = UnixHttpServer.builder(UnixSocketAddress.ofPath(tmp.resolve("extra.sock"))).handler(new TestHandler());
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> builder.addConnectorTo(server));
        assertTrue(refused.getMessage().contains("server.setHandler"), refused.getMessage());
        assertEquals(0, server.getConnectors().length);
    }

    /** The one-call server's options are the shared settings, checked by the same rules before anything starts. */
    @Test
    void aModeForAnAbstractNameIsRefusedBeforeAnythingStarts()
    {
        UnixHttpServer.Builder builder = UnixHttpServer.builder(UnixSocketAddress.ofAbstractName("unixhttp-test-" + UUID.randomUUID()))
            .handler(new TestHandler()).mode(SocketFileMode.of(0600));
        SettingsException refused = assertThrows(SettingsException.class, builder::start);
        assertEquals(List.of(SettingsProblem.Kind.FILE_SETTING_WITHOUT_FILE), refused.kinds());
        Server server = new Server();
        assertThrows(SettingsException.class, () -> UnixHttpServer.builder(UnixSocketAddress.inherited()).group("adm").addConnectorTo(server));
        assertEquals(0, server.getConnectors().length);
    }

    @Test
    void aStartThatCannotListenFailsClearlyAndTouchesNothing() throws Exception
    {
        Path file = Files.writeString(tmp.resolve("app.sock"), "not a socket");
        Exception failure = assertThrows(Exception.class, () -> UnixHttpServer.serve(UnixSocketAddress.ofPath(file), new TestHandler()));
        String messages = failure + " " + failure.getCause();
        assertTrue(messages.contains("a regular file is already there"), messages);
        assertEquals("not a socket", Files.readString(file));
    }
}
