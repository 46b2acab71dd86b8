package io.github.unixhttp.unit.spring;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.connector.UnixSocketCustomizer;
import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.unit.server.SettingKey;
import io.github.unixhttp.unit.server.SettingsException;
import io.github.unixhttp.unit.server.SettingsProblem;
import io.github.unixhttp.unit.apache.UnixHttpClients;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import io.github.unixhttp.testing.Run;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real Spring Boot applications on Jetty, started in this JVM with {@code unixhttp.server.*} properties, reached
 * with curl over the socket and over TCP.
 */
class UnixHttpServerAutoConfigurationTest
{
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int UID = (int) new com.sun.security.auth.module.UnixSystem().getUid();

    @TempDir
    Path tmp;
    Path socket;

    /** What Spring Boot logs to the console (spring-boot-test's OutputCaptureExtension needs JUnit 6). */
    ConsoleCapture output;

    @BeforeEach
    void needsCurl()
    {
        Requirements.requireCommand("curl");
        socket = tmp.resolve("app.sock");
        output = ConsoleCapture.start();
    }

    @AfterEach
    void stopCapture()
    {
        output.close();
    }

    /**
     * With keep-tcp both connectors serve; the socket shares the TCP connector's HTTP configuration and gets Spring
     * Boot's server.jetty.* settings; credentials exist only over the socket, and a method that needs them is not run
     * for a TCP request.
     */
    @Test
    void keepTcpServesBothAndPeerCredentialsComeOnlyOverTheSocket() throws Exception
    {
        try (ConfigurableApplicationContext app = start("unixhttp.server.socket-path=" + socket, "unixhttp.server.keep-tcp=true",
            "server.port=0", "server.jetty.connection-idle-timeout=12345ms"))
        {
            Connector[] connectors = jetty(app).getServer().getConnectors();
            ServerConnector tcp = only(connectors, ServerConnector.class);
            UnixSocketConnector unix = only(connectors, UnixSocketConnector.class);
            // The socket serves its own copy of Spring's configuration; the TCP connector's is left as Spring made it.
            HttpConfiguration tcpConfiguration = tcp.getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration();
            HttpConfiguration unixConfiguration = unix.getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration();
            assertNotSame(tcpConfiguration, unixConfiguration);
            assertNull(tcpConfiguration.getCustomizer(UnixSocketCustomizer.class));
            assertNull(tcpConfiguration.getServerAuthority());
            assertEquals(tcpConfiguration.getRequestHeaderSize(), unixConfiguration.getRequestHeaderSize());
            assertEquals(12345, unix.getIdleTimeout());
            assertTrue(output.text().contains("Listening on unix:" + socket + " (mode 0600) [http/1.1], and on TCP port " +
                tcp.getLocalPort()), output.text());
            assertEquals("600", Run.run(WAIT, "stat", "-c", "%a", socket.toString()).requireSuccess().stdout().trim());

            String overSocket = socket.toString();
            String overTcp = "http://127.0.0.1:" + tcp.getLocalPort();
            assertEquals("uid " + UID + " 200", curl(overSocket, "http://localhost/peer"));
            assertEquals("uid " + UID + " 200", curl(overSocket, "http://localhost/attribute"));
            assertEquals("uid " + UID + " 200", curl(overSocket, "http://localhost/maybe"));
            assertEquals("over TCP 200", curl(null, overTcp + "/maybe"));
            assertEquals("403", curl(null, overTcp + "/peer"));
        }
    }

    @Test
    void theSocketReplacesTheTcpConnectorByDefault() throws Exception
    {
        try (ConfigurableApplicationContext app = start("unixhttp.server.socket-path=" + socket))
        {
            Connector[] connectors = jetty(app).getServer().getConnectors();
            assertEquals(1, connectors.length, Arrays.toString(connectors));
            assertTrue(connectors[0] instanceof UnixSocketConnector);
            assertEquals(-1, jetty(app).getPort(), "Spring Boot knows no TCP port");
            assertEquals("uid " + UID + " 200", curl(socket.toString(), "http://localhost/peer"));
        }
        assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
    }

    /** The client side: Spring's RestClient on our Apache HttpClient 5, every request over the socket. */
    @Test
    void restClientOverTheSocket() throws Exception
    {
        try (ConfigurableApplicationContext ignored = start("unixhttp.server.socket-path=" + socket);
             CloseableHttpClient http = UnixHttpClients.create(UnixSocketAddress.ofPath(socket)))
        {
            RestClient client = RestClient.builder().requestFactory(new HttpComponentsClientHttpRequestFactory(http))
                .baseUrl("http://localhost").build();
            assertEquals("uid " + UID, client.get().uri("/peer").retrieve().body(String.class));
        }
    }

    @Test
    void h2cOnAnAbstractName() throws Exception
    {
        String name = "unixhttp-spring-test-" + UUID.randomUUID();
        try (ConfigurableApplicationContext ignored = start("unixhttp.server.socket-path=@" + name, "unixhttp.server.h2c=true"))
        {
            assertEquals("uid " + UID + " 2", Run.run(WAIT, "curl", "-sS", "--http2-prior-knowledge", "--abstract-unix-socket", name,
                "-w", " %{http_version}", "http://localhost/peer").requireSuccess().stdout());
        }
    }

    /** Spring Boot's server.port=-1 starts no connector at all: the socket neither, and the log says why. */
    @Test
    void serverPortMinusOneListensNowhereAndSaysSo() throws Exception
    {
        try (ConfigurableApplicationContext app = start("unixhttp.server.socket-path=" + socket, "server.port=-1"))
        {
            assertFalse(only(jetty(app).getServer().getConnectors(), UnixSocketConnector.class).isStarted());
            assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
            assertTrue(output.text().contains("Not listening on unix:" + socket + " (mode 0600): server.port=-1 keeps Spring " +
                "Boot from starting any connector"), output.text());
        }
    }

    @Test
    void aModeForAnAbstractNameStopsTheStartNamingTheProperties()
    {
        Exception failure = assertThrows(Exception.class, () -> start("unixhttp.server.socket-path=@x", "unixhttp.server.file-mode=0660").close());
        SettingsProblem problem = onlyProblem(failure);
        assertEquals(SettingsProblem.Kind.FILE_SETTING_WITHOUT_FILE, problem.kind());
        assertEquals(SettingKey.FILE_MODE, problem.key());
        // In Spring's spelling, the properties the user wrote.
        assertTrue(problem.message().startsWith("unixhttp.server.socket-path=@x is an abstract name") &&
            problem.message().contains("remove unixhttp.server.file-mode"), problem.message());
    }

    @Test
    void takeoverOnAnAbstractNameStopsTheStartNamingTheProperty()
    {
        Exception failure = assertThrows(Exception.class, () -> start("unixhttp.server.socket-path=@x", "unixhttp.server.takeover=true").close());
        SettingsProblem problem = onlyProblem(failure);
        assertEquals(SettingsProblem.Kind.TAKEOVER_WITHOUT_FILE, problem.kind());
        assertEquals(SettingKey.TAKEOVER, problem.key());
    }

    /** Each problem at once, rather than one per start. */
    @Test
    void everyPropertyThatDoesNotGoWithAnInheritedSocketIsNamedAtOnce()
    {
        Exception failure = assertThrows(Exception.class, () -> start("unixhttp.server.inherit-name=web", "unixhttp.server.file-mode=0660",
            "unixhttp.server.file-group=adm", "unixhttp.server.takeover=true").close());
        SettingsException settings = settingsException(failure);
        assertEquals(List.of(SettingsProblem.Kind.FILE_SETTING_WITHOUT_FILE, SettingsProblem.Kind.FILE_SETTING_WITHOUT_FILE,
            SettingsProblem.Kind.TAKEOVER_WITHOUT_FILE), settings.kinds());
        assertTrue(settings.problems().get(0).message().startsWith("unixhttp.server.file-mode does not apply to an inherited socket " +
            "(unixhttp.server.inherit-name)"), settings.getMessage());
    }

    /** The socket is read as the connector reads it: a name it could not listen on fails the binding, named. */
    @Test
    void aSocketTheConnectorCouldNotListenOnFailsTheBinding()
    {
        Exception failure = assertThrows(Exception.class, () -> start("unixhttp.server.socket-path=@caf\u00e9").close());
        assertEquals(SettingsProblem.Kind.INVALID_VALUE, onlyProblem(failure).kind());
        // Spring Boot's own report: the property, and the schema's reason.
        assertTrue(messages(failure).contains("under 'unixhttp.server'") && messages(failure).contains("property socket-path") &&
            messages(failure).contains("printable ASCII"), messages(failure));
        Exception tooLong = assertThrows(Exception.class, () -> start("unixhttp.server.socket-path=/tmp/" + "p".repeat(120)).close());
        assertEquals(SettingKey.SOCKET, onlyProblem(tooLong).key());
        assertTrue(messages(tooLong).contains("property socket-path") && messages(tooLong).contains("at most 107 bytes"),
            messages(tooLong));
    }

    /** An empty entry must neither widen nor narrow who may connect: it fails the binding of its list. */
    @Test
    void anEmptyListEntryFailsTheBinding()
    {
        Exception failure = assertThrows(Exception.class, () -> start("unixhttp.server.socket-path=" + socket,
            "unixhttp.server.allow-users=root,,adm").close());
        SettingsProblem problem = onlyProblem(failure);
        assertEquals(SettingsProblem.Kind.EMPTY_LIST_ENTRY, problem.kind());
        assertEquals(SettingKey.ALLOW_USERS, problem.key());
        assertTrue(messages(failure).contains("property allow-users"), messages(failure));
    }

    /** Spring Boot's forwarded headers (native strategy) reach the socket, believed only from trusted proxies. */
    @Test
    void forwardedHeadersAreBelievedOnlyFromTrustedProxies() throws Exception
    {
        try (ConfigurableApplicationContext ignored = start("unixhttp.server.socket-path=" + socket,
            "server.forward-headers-strategy=native"))
        {
            // By default the trusted proxy is this server's own user, which curl runs as.
            assertEquals("192.0.2.7 200", curl(socket.toString(), "http://localhost/remote", "-H", "X-Forwarded-For: 192.0.2.7"));
        }
        try (ConfigurableApplicationContext ignored = start("unixhttp.server.socket-path=" + socket,
            "server.forward-headers-strategy=native", "unixhttp.server.trust-proxies=" + (UID + 1)))
        {
            assertFalse(curl(socket.toString(), "http://localhost/remote", "-H", "X-Forwarded-For: 192.0.2.7").startsWith("192.0.2.7"));
        }
    }

    /** An application's own web server factory without Spring Boot's customizers would serve on TCP alone: refused. */
    @Test
    void aWebServerFactoryWithoutTheCustomizerStopsTheStart()
    {
        Exception failure = assertThrows(Exception.class, () -> new SpringApplicationBuilder(PeerApp.class, OwnFactory.class)
            .properties("unixhttp.server.socket-path=" + socket).run().close());
        assertTrue(messages(failure).contains("asks for a Unix socket, but the Jetty server has none"), messages(failure));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnFactory
    {
        @Bean
        JettyServletWebServerFactory ownFactory()
        {
            return new JettyServletWebServerFactory(0);
        }
    }

    @Test
    void nothingChangesWithoutASocketPath() throws Exception
    {
        try (ConfigurableApplicationContext app = start("server.port=0"))
        {
            assertTrue(jetty(app).getServer().getConnectors()[0] instanceof ServerConnector);
            assertEquals(1, jetty(app).getServer().getConnectors().length);
        }
    }

    private static ConfigurableApplicationContext start(String... properties)
    {
        List<String> all = new ArrayList<>(List.of(properties));
        // Never the default port 8080: other builds may run on this machine.
        if (all.stream().noneMatch(property -> property.startsWith("server.port=")))
            all.add("server.port=0");
        return new SpringApplicationBuilder(PeerApp.class).properties(all.toArray(String[]::new)).run();
    }

    private static JettyWebServer jetty(ConfigurableApplicationContext app)
    {
        return (JettyWebServer) ((WebServerApplicationContext) app).getWebServer();
    }

    private static <T> T only(Connector[] connectors, Class<T> type)
    {
        List<T> found = Arrays.stream(connectors).filter(type::isInstance).map(type::cast).toList();
        assertEquals(1, found.size(), Arrays.toString(connectors));
        assertNotNull(found.get(0));
        return found.get(0);
    }

    /** @return the body, a space and the status code; over the Unix socket unless it is null */
    private static String curl(String unixSocket, String url, String... options) throws Exception
    {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-w", " %{http_code}", url));
        command.addAll(List.of(options));
        if (unixSocket != null)
            command.addAll(List.of("--unix-socket", unixSocket));
        String answer = Run.run(WAIT, command).requireSuccess().stdout();
        // Spring Boot's JSON error body is of no interest, its status is.
        return answer.startsWith("{") ? answer.substring(answer.lastIndexOf(' ') + 1) : answer;
    }

    /** @return the schema's exception among the causes: Spring wraps it in its own (binding, bean creation...) */
    private static SettingsException settingsException(Throwable failure)
    {
        for (Throwable cause = failure; cause != null; cause = cause.getCause())
        {
            if (cause instanceof SettingsException settings)
                return settings;
        }
        throw new AssertionError("no SettingsException in " + messages(failure), failure);
    }

    private static SettingsProblem onlyProblem(Throwable failure)
    {
        List<SettingsProblem> problems = settingsException(failure).problems();
        assertEquals(1, problems.size(), problems.toString());
        return problems.get(0);
    }

    private static String messages(Throwable failure)
    {
        StringBuilder text = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause())
            text.append(cause).append('\n');
        return text.toString();
    }
}
