package io.github.unixhttp.connector.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import io.github.unixhttp.connector.SocketFileOptions;
import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.connector.binding.SocketFileMode;
import io.github.unixhttp.connector.policy.PeerPolicy;
import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import io.github.unixhttp.testing.TestCertificates;
import io.github.unixhttp.testing.TestServer;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS over a Unix socket: Jetty's {@link SslConnectionFactory} in front of HTTP/1.1 and h2 (chosen by ALPN) on our
 * connector, reached by curl's {@code --unix-socket https://...}; the peer's credentials and the peer policy apply
 * as they do in plain HTTP, since they are read at accept, before the handshake.
 */
class TlsOverSocketTest
{
    private static final String NAME = "app.internal";

    @TempDir
    Path tmp;
    Path dir;
    TestCertificates certificates;

    @BeforeEach
    void prepare() throws Exception
    {
        Requirements.requireCommand("curl");
        dir = Run.openToOthers(tmp);
        certificates = TestCertificates.make(dir, NAME);
    }

    @Test
    void curlSpeaksHttpsOverTheSocketAndTheRequestCarriesThePeersCredentials() throws Exception
    {
        try (TestServer server = startTls(connector -> {}))
        {
            String http1 = curl(server, List.of("--http1.1"), "https://" + NAME + "/info").stdout();
            assertTrue(http1.contains("uri=https://" + NAME + "/info"), http1);
            assertTrue(http1.contains("version=HTTP/1.1"), http1);
            assertTrue(http1.contains("peer.uid=" + new com.sun.security.auth.module.UnixSystem().getUid()), http1);

            String h2 = curl(server, List.of("--http2"), "https://" + NAME + "/info").stdout();
            assertTrue(h2.contains("version=HTTP/2.0"), h2);
            assertTrue(h2.contains("uri=https://" + NAME + "/info"), h2);
            assertTrue(h2.contains("peer.uid=" + new com.sun.security.auth.module.UnixSystem().getUid()), h2);
        }
    }

    @Test
    void aCertificateForAnotherNameIsRefusedByTheClient() throws Exception
    {
        try (TestServer server = startTls(connector -> {}))
        {
            Run.Result wrongName = Run.run(Duration.ofSeconds(30), curlCommand(server, List.of(), "https://other.internal/info"));
            assertEquals(60, wrongName.exitCode(), "curl's 'peer certificate cannot be authenticated': " + wrongName.stderr());
            assertEquals(0, server.handler().handled());
        }
    }

    @Test
    void aPeerThePolicyRefusesGetsATlsAccessDeniedAlertAndNoHandlerRuns() throws Exception
    {
        Requirements.requireRoot();
        Requirements.requireCommand("setpriv");
        try (TestServer server = startTls(connector ->
        {
            connector.setSocketFile(SocketFileOptions.builder().mode(SocketFileMode.parse("0666")).build());
            connector.setPeerPolicy(PeerPolicy.builder().allowUid(0).build());
        }))
        {
            Run.Result refused = Run.run(Duration.ofSeconds(30), Run.asOtherUser(curlCommand(server, List.of(), "https://" + NAME + "/info")));
            // Refused at accept, before any handshake, and told so in the one language a TLS client reads then: an alert.
            assertEquals(35, refused.exitCode(), "curl's 'TLS handshake failed': " + refused.stdout() + refused.stderr());
            assertTrue(refused.stderr().contains("alert access denied"), refused.stderr());
            assertEquals(0, server.handler().handled(), "a handler ran for a refused peer");
            assertEquals(1, server.connector().getRefusedConnections());

            assertTrue(curl(server, List.of(), "https://" + NAME + "/info").stdout().contains("peer.uid=0"));
        }
    }

    @Test
    void plainHttpToTheTlsSocketGetsNoAnswerFromAHandler() throws Exception
    {
        try (TestServer server = startTls(connector -> {}))
        {
            Run.Result plain = Run.run(Duration.ofSeconds(30), curlCommand(server, List.of(), "http://" + NAME + "/info"));
            assertTrue(!plain.stdout().contains("peer.uid="), plain.stdout());
            assertEquals(0, server.handler().handled());
        }
    }

    private TestServer startTls(Consumer<UnixSocketConnector> configure) throws Exception
    {
        SslContextFactory.Server tls = certificates.serverTls();
        HttpConfiguration configuration = UnixSocketConnector.newHttpConfiguration();
        configuration.addCustomizer(new SecureRequestCustomizer());
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
        alpn.setDefaultProtocol("http/1.1");
        return TestServer.start(dir.resolve("tls.sock"), configure, new SslConnectionFactory(tls, alpn.getProtocol()), alpn,
            new HTTP2ServerConnectionFactory(configuration), new HttpConnectionFactory(configuration));
    }

    private Run.Result curl(TestServer server, List<String> options, String url) throws Exception
    {
        Run.Result result = Run.run(Duration.ofSeconds(30), curlCommand(server, options, url));
        assertEquals(0, result.exitCode(), result.stderr());
        return result;
    }

    private List<String> curlCommand(TestServer server, List<String> options, String url)
    {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-m", "20", "--unix-socket", server.socket().toString(),
            "--cacert", certificates.certificatePem().toString()));
        command.addAll(options);
        command.add(url);
        return command;
    }
}
