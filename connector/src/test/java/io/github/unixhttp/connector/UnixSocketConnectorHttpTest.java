package io.github.unixhttp.connector;

import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.testing.Exchange;
import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import io.github.unixhttp.testing.TestServer;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ProxyConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP through the connector with real clients: curl, Python, Apache HttpClient 5, Jetty's HTTP/2 client, raw bytes.
 */
class UnixSocketConnectorHttpTest
{
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void curlReusesOneKeepAliveConnection() throws Exception
    {
        Requirements.requireCommand("curl");
        try (TestServer server = TestServer.start(dir.resolve("app.sock")))
        {
            Run.Result result = Run.run(CLIENT_TIMEOUT, "curl", "-sS", "-v", "--unix-socket", server.socket().toString(),
                "http://localhost/first", "http://localhost/second").requireSuccess();
            assertEquals("hellohello", result.stdout());
            assertTrue(result.stderr().contains("Re-using existing connection"), result.stderr());
            assertEquals(2, server.handler().handled());
        }
    }

    @Test
    void curlUploadsAndDownloadsTenMegabytes() throws Exception
    {
        Requirements.requireCommand("curl");
        int size = 10 * 1024 * 1024;
        byte[] upload = new byte[size];
        new Random(42).nextBytes(upload);
        Path uploadFile = Files.write(dir.resolve("upload.bin"), upload);
        Path echoed = dir.resolve("echoed.bin");
        Path downloaded = dir.resolve("downloaded.bin");
        try (TestServer server = TestServer.start(dir.resolve("app.sock")))
        {
            String socket = server.socket().toString();
            Run.run(CLIENT_TIMEOUT, "curl", "-sS", "--fail", "--unix-socket", socket, "--data-binary", "@" + uploadFile,
                "-H", "Content-Type: application/octet-stream", "-o", echoed.toString(), "http://localhost/echo").requireSuccess();
            Run.run(CLIENT_TIMEOUT, "curl", "-sS", "--fail", "--unix-socket", socket, "-o", downloaded.toString(),
                "http://localhost/bytes?n=" + size).requireSuccess();
        }
        assertArrayEquals(sha256(upload), sha256(Files.readAllBytes(echoed)), "echoed body differs from the upload");
        byte[] expected = "0123456789abcdef".repeat(size / 16).getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(sha256(expected), sha256(Files.readAllBytes(downloaded)), "downloaded body is not the payload");
    }

    @Test
    void pythonHttpClientGetsAndPostsOnOneConnection() throws Exception
    {
        Requirements.requireCommand("python3");
        Path script = copyResource("/clients/python_http_client.py");
        try (TestServer server = TestServer.start(dir.resolve("app.sock")))
        {
            String out = Run.run(CLIENT_TIMEOUT, "python3", script.toString(), server.socket().toString()).requireSuccess().stdout();
            assertTrue(out.contains("info-status 200"), out);
            assertTrue(out.contains("echo-body ping from python"), out);
            assertTrue(out.contains("same-connection True"), out);
        }
    }

    @Test
    void apacheHttpClientReachesTheSocketNatively() throws Exception
    {
        try (TestServer server = TestServer.start(dir.resolve("app.sock"));
             CloseableHttpClient client = HttpClients.custom()
                 .setDefaultRequestConfig(RequestConfig.custom().setUnixDomainSocket(server.socket()).build())
                 .build())
        {
            String info = client.execute(new HttpGet("http://localhost/info"), response ->
            {
                assertEquals(200, response.getCode());
                return EntityUtils.toString(response.getEntity());
            });
            assertTrue(info.contains("version=HTTP/1.1"), info);
            HttpPost post = new HttpPost("http://localhost/echo");
            post.setEntity(new StringEntity("from httpclient5", ContentType.TEXT_PLAIN));
            assertEquals("from httpclient5", client.execute(post, response -> EntityUtils.toString(response.getEntity())));
        }
    }

    @Test
    void jettyHttp2ClientSpeaksH2cWithPriorKnowledge() throws Exception
    {
        Requirements.requireLinuxLayer("the peer pid");
        // Each factory with a configuration of its own: the HTTP/2 one must get the peer's credentials too, though
        // Jetty's HTTP/2 factories do not implement HttpConfiguration.ConnectionFactory.
        try (TestServer server = TestServer.start(dir.resolve("app.sock"), connector -> {},
            new HttpConnectionFactory(UnixSocketConnector.newHttpConfiguration()), new HTTP2CServerConnectionFactory(UnixSocketConnector.newHttpConfiguration())))
        {
            // The first factory is HTTP/1.1; prior-knowledge h2c is detected by its preface, as gRPC clients send it.
            HttpClient client = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client()));
            client.start();
            try
            {
                ContentResponse response = client.newRequest("http://localhost/info")
                    .transport(new Transport.TCPUnix(server.socket()))
                    .timeout(60, TimeUnit.SECONDS)
                    .send();
                assertEquals(200, response.getStatus());
                assertEquals(HttpVersion.HTTP_2, response.getVersion());
                assertTrue(response.getContentAsString().contains("version=HTTP/2.0"), response.getContentAsString());
                assertTrue(response.getContentAsString().contains("peer.pid=" + ProcessHandle.current().pid() + "\n"),
                    response.getContentAsString());
            }
            finally
            {
                client.stop();
            }
        }
    }

    @Test
    void http10RequestWithoutHostIsServedAsLocalhost() throws Exception
    {
        try (TestServer server = TestServer.start(dir.resolve("app.sock")))
        {
            String response = Exchange.exchange(server.socket(), "GET /info HTTP/1.0\r\n\r\n");
            assertTrue(response.matches("(?s)HTTP/1\\.[01] 200 .*"), response);
            assertTrue(response.contains("host=localhost"), response);
            assertTrue(response.contains("uri=http://localhost/info"), response);
        }
    }

    @Test
    void requestsSeeTheRealSocketPathAndJettysRemoteAddressType() throws Exception
    {
        Path socket = dir.resolve("app.sock");
        try (TestServer server = TestServer.start(socket))
        {
            String response = Exchange.exchange(socket, "GET /info HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertTrue(response.contains("local=" + socket.toAbsolutePath()), response);
            assertTrue(response.contains("remote=\n"), response);
            assertTrue(response.contains("remote.type=java.net.UnixDomainSocketAddress\n"), response);
            assertTrue(response.contains("local.type=java.net.UnixDomainSocketAddress\n"), response);
            assertTrue(response.contains("endpoint=UnixDomainSocketAddress,UnixDomainSocketAddress,true\n"), response);
            assertFalse(response.contains("authority=null"), response);
            assertEquals(UnixDomainSocketAddress.of(socket.toAbsolutePath()), server.connector().getLocalSocketAddress());
        }
    }

    @Test
    void withoutCredentialsTheRemoteAddressIsTheSame() throws Exception
    {
        Path socket = dir.resolve("app.sock");
        try (TestServer server = TestServer.start(socket, connector -> connector.setReadPeerCredentials(false)))
        {
            String response = Exchange.get(socket, "/info");
            assertTrue(response.contains("remote=\n") && response.contains("peer=null"), response);
        }
    }

    @Test
    void acceptorThreadsServeLikeSelectorAccepting() throws Exception
    {
        Path socket = dir.resolve("app.sock");
        try (TestServer server = TestServer.startWithAcceptors(socket, 1))
        {
            for (int i = 0; i < 20; i++)
                assertTrue(Exchange.exchange(socket, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").endsWith("hello"));
            assertEquals(20, server.handler().handled());
        }
    }

    @Test
    void proxyProtocolV1InFrontGivesTheProxiedClientAddress() throws Exception
    {
        try (TestServer server = TestServer.start(dir.resolve("app.sock"), connector -> {},
            new ProxyConnectionFactory(), new HttpConnectionFactory(UnixSocketConnector.newHttpConfiguration())))
        {
            String response = Exchange.exchange(server.socket(),
                "PROXY TCP4 203.0.113.7 192.0.2.1 51000 80\r\nGET /info HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertTrue(response.contains("remote=203.0.113.7"), response);
        }
    }

    @Test
    void aProxyProtocolV1HeaderNamingAHostInsteadOfAnAddressIsABadRequest() throws Exception
    {
        try (TestServer server = TestServer.start(dir.resolve("app.sock"), connector -> {},
            new ProxyConnectionFactory(), new HttpConnectionFactory(UnixSocketConnector.newHttpConfiguration())))
        {
            for (String header : new String[]{"PROXY TCP4 evil.example 192.0.2.1 51000 80", "PROXY TCP4 203.0.113.7 <b>x</b> 51000 80",
                "PROXY TCP6 localhost ::1 51000 80"})
            {
                String response = Exchange.exchange(server.socket(),
                    header + "\r\nGET /info HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
                assertTrue(response.startsWith("HTTP/1.1 400"), header + " -> " + response);
            }
            String literal = Exchange.exchange(server.socket(), "PROXY TCP6 2001:db8::7 ::1 51000 80\r\nGET /info HTTP/1.1\r\n" +
                "Host: localhost\r\nConnection: close\r\n\r\n");
            assertTrue(literal.contains("remote=2001:db8") || literal.contains("remote=[2001:db8"), literal);
            assertEquals(1, server.handler().handled(), "no handler ran for a bad PROXY header");
        }
    }

    @Test
    void proxyProtocolV1UnknownKeepsTheUnixAddressesAsJettysConnectorDoes() throws Exception
    {
        Path socket = dir.resolve("app.sock");
        try (TestServer server = TestServer.start(socket, connector -> {}, new ProxyConnectionFactory(), new HttpConnectionFactory(UnixSocketConnector.newHttpConfiguration())))
        {
            String response = Exchange.exchange(server.socket(),
                "PROXY UNKNOWN\r\nGET /info HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
            assertTrue(response.contains("remote=\nremote.type=java.net.UnixDomainSocketAddress\n"), response);
            assertTrue(response.contains("local=" + socket.toAbsolutePath() + "\nlocal.type=java.net.UnixDomainSocketAddress\n"), response);
        }
    }

    /** A wrapper (metrics, say) that hides the HTTP configuration would serve without credentials or proxy trust. */
    @Test
    void anHttpFactoryHidingItsConfigurationFailsTheStart()
    {
        HttpConnectionFactory http = new HttpConnectionFactory(UnixSocketConnector.newHttpConfiguration());
        org.eclipse.jetty.server.ConnectionFactory hiding = new org.eclipse.jetty.server.ConnectionFactory()
        {
            @Override
            public String getProtocol()
            {
                return http.getProtocol();
            }

            @Override
            public java.util.List<String> getProtocols()
            {
                return http.getProtocols();
            }

            @Override
            public org.eclipse.jetty.io.Connection newConnection(org.eclipse.jetty.server.Connector connector, org.eclipse.jetty.io.EndPoint endPoint)
            {
                return http.newConnection(connector, endPoint);
            }
        };
        Exception failure = assertThrows(Exception.class, () -> TestServer.start(dir.resolve("app.sock"), connector -> {}, hiding));
        String messages = String.valueOf(failure.getMessage()) + failure.getCause();
        assertTrue(messages.contains("is not an HttpConfiguration.ConnectionFactory") &&
            messages.contains("believed from anyone"), messages);
        assertFalse(java.nio.file.Files.exists(dir.resolve("app.sock")), "the refused start left a socket");
    }

    @Test
    void aProxyConnectionFactoryWithNothingAfterItFailsAtStart()
    {
        Exception failure = assertThrows(Exception.class,
            () -> TestServer.start(dir.resolve("app.sock"), connector -> {}, new ProxyConnectionFactory()));
        String messages = failure + " / " + failure.getCause();
        assertTrue(messages.contains("Nothing follows the ProxyConnectionFactory") && messages.contains("HttpConnectionFactory"), messages);
    }

    @Test
    void proxyProtocolV2InFrontGivesTheProxiedClientAddress() throws Exception
    {
        try (TestServer server = TestServer.start(dir.resolve("app.sock"), connector -> {},
            new ProxyConnectionFactory(), new HttpConnectionFactory(UnixSocketConnector.newHttpConfiguration())))
        {
            ByteBuffer header = ByteBuffer.allocate(28);
            header.put(HexFormat.of().parseHex("0d0a0d0a000d0a515549540a")); // the v2 signature
            header.put((byte)0x21).put((byte)0x11).putShort((short)12);      // PROXY command, TCP over IPv4, 12 bytes
            header.put(new byte[]{(byte)198, 51, 100, 9}).put(new byte[]{(byte)192, 0, 2, 1});
            header.putShort((short)40000).putShort((short)80);
            String response = Exchange.exchange(server.socket(), header.array(),
                "GET /info HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertTrue(response.contains("remote=198.51.100.9"), response);
        }
    }

    private Path copyResource(String name) throws Exception
    {
        Path target = dir.resolve(Path.of(name).getFileName().toString());
        try (var in = getClass().getResourceAsStream(name))
        {
            Files.copy(in, target);
        }
        return target;
    }

    private static byte[] sha256(byte[] data) throws Exception
    {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }
}
