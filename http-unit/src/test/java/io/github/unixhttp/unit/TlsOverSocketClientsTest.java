package io.github.unixhttp.unit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.testing.TestCertificates;
import io.github.unixhttp.testing.TestServer;
import io.github.unixhttp.unit.apache.UnixHttpAsyncClients;
import io.github.unixhttp.unit.apache.UnixHttpClients;
import io.github.unixhttp.unit.jetty.JettyUnixClients;
import io.github.unixhttp.unit.okhttp.UnixOkHttpClients;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every client runs {@code https} over the socket when given {@link UnixTls}, checking the server's certificate
 * against the name the TLS gives (the URL says {@code localhost}, the certificate is for {@code app.internal}), and
 * fails before any request reaches a handler when the certificate is for another name or is not trusted.
 */
class TlsOverSocketClientsTest
{
    private static final String NAME = "app.internal";
    private static final String URL = "https://localhost/info";

    @TempDir
    Path dir;
    TestCertificates certificates;
    TestServer server;
    UnixSocketAddress address;

    @BeforeEach
    void startTlsServer() throws Exception
    {
        certificates = TestCertificates.make(dir, NAME);
        server = TestServer.start(dir.resolve("tls.sock"), connector -> {}, new SslConnectionFactory(certificates.serverTls(), "http/1.1"),
            new HttpConnectionFactory(TestCertificates.httpsConfigurationForAnyHost()));
        address = UnixSocketAddress.ofPath(server.socket());
    }

    @AfterEach
    void stop() throws Exception
    {
        server.close();
    }

    private UnixClientOptions trusting(String serverName)
    {
        return UnixClientOptions.builder().tls(UnixTls.trusting(certificates.certificatePem(), serverName))
            .connectTimeout(Duration.ofSeconds(10)).build();
    }

    private void assertServedOverTls(String body)
    {
        assertTrue(body.contains("uri=https://localhost/info"), body);
        assertTrue(body.contains("peer.uid=" + new com.sun.security.auth.module.UnixSystem().getUid()), body);
    }

    @Test
    void theClassicClientChecksTheCertificateAgainstTheGivenName() throws Exception
    {
        try (CloseableHttpClient client = UnixHttpClients.custom(address, trusting(NAME)).build())
        {
            assertServedOverTls(client.execute(new HttpGet(URL), response -> EntityUtils.toString(response.getEntity())));
        }
        try (CloseableHttpClient client = UnixHttpClients.custom(address, trusting("other.internal")).build())
        {
            assertInstanceOf(SSLException.class, assertThrows(Exception.class, () -> client.execute(new HttpGet(URL), response -> "")));
        }
        assertEquals(1, server.handler().handled());
    }

    @Test
    void theAsyncClientChecksTheCertificateAgainstTheGivenName() throws Exception
    {
        try (CloseableHttpAsyncClient client = UnixHttpAsyncClients.custom(address, trusting(NAME)).build())
        {
            client.start();
            SimpleHttpResponse response = client.execute(SimpleRequestBuilder.get(URL).build(), null).get(30, TimeUnit.SECONDS);
            assertEquals(200, response.getCode());
            assertServedOverTls(response.getBodyText());
        }
        try (CloseableHttpAsyncClient client = UnixHttpAsyncClients.custom(address, trusting("other.internal")).build())
        {
            client.start();
            ExecutionException failed = assertThrows(ExecutionException.class,
                () -> client.execute(SimpleRequestBuilder.get(URL).build(), null).get(30, TimeUnit.SECONDS));
            assertInstanceOf(SSLException.class, failed.getCause());
        }
        assertEquals(1, server.handler().handled());
    }

    @Test
    void theJettyClientChecksTheCertificateAgainstTheGivenName() throws Exception
    {
        HttpClient client = JettyUnixClients.newHttpClient(address, trusting(NAME));
        client.start();
        try
        {
            ContentResponse response = client.GET(URL);
            assertEquals(200, response.getStatus());
            assertServedOverTls(response.getContentAsString());
        }
        finally
        {
            client.stop();
        }
        HttpClient wrongName = JettyUnixClients.newHttpClient(address, trusting("other.internal"));
        wrongName.start();
        try
        {
            ExecutionException failed = assertThrows(ExecutionException.class, () -> wrongName.GET(URL));
            assertInstanceOf(SSLException.class, failed.getCause());
        }
        finally
        {
            wrongName.stop();
        }
        assertEquals(1, server.handler().handled());
    }

    @Test
    void theOkHttpClientChecksTheCertificateAgainstTheGivenName() throws Exception
    {
        OkHttpClient client = UnixOkHttpClients.newClient(address, trusting(NAME));
        try (Response response = client.newCall(new Request.Builder().url(URL).build()).execute())
        {
            assertEquals(200, response.code());
            assertServedOverTls(response.body().string());
        }
        OkHttpClient wrongName = UnixOkHttpClients.newClient(address, trusting("other.internal"));
        assertInstanceOf(SSLException.class, assertThrows(Exception.class,
            () -> wrongName.newCall(new Request.Builder().url(URL).build()).execute().close()));
        assertEquals(1, server.handler().handled());
    }

    @Test
    void aContextThatDoesNotTrustTheServersCertificateFailsTheHandshake() throws Exception
    {
        UnixClientOptions jvmDefaults = UnixClientOptions.builder().tls(UnixTls.of(SSLContext.getDefault(), NAME)).build();
        try (CloseableHttpClient client = UnixHttpClients.custom(address, jvmDefaults).build())
        {
            assertInstanceOf(SSLException.class, assertThrows(Exception.class, () -> client.execute(new HttpGet(URL), response -> "")));
        }
        assertEquals(0, server.handler().handled());
    }

    @Test
    void withoutTlsHttpsIsStillRefusedBeforeAnythingIsSent() throws Exception
    {
        try (CloseableHttpClient client = UnixHttpClients.custom(address, UnixClientOptions.defaults()).build())
        {
            UnixRouteException refused = assertThrows(UnixRouteException.class, () -> client.execute(new HttpGet(URL), response -> ""));
            assertTrue(refused.getMessage().contains("UnixTls.trusting"), refused.getMessage());
        }
        assertEquals(0, server.handler().handled());
    }

    @Test
    void aServerNameThatIsNoHostNameIsRefusedNamingTheProblem()
    {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> UnixTls.trusting(certificates.certificatePem(), "https://app.internal/"));
        assertTrue(refused.getMessage().contains("such as app.internal"), refused.getMessage());
    }
}
