package io.github.unixhttp.unit;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.unit.apache.UnixHttpAsyncClients;
import io.github.unixhttp.unit.apache.UnixHttpClients;
import io.github.unixhttp.unit.jetty.JettyUnixClients;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;
import org.eclipse.jetty.client.BasicAuthentication;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpProxy;
import org.eclipse.jetty.client.Origin;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.io.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client built for a Unix socket never opens a TCP connection, whatever the request, its URL or its
 * configuration say: each request goes over the socket or fails with {@link UnixRouteException}. A real TCP
 * listener on loopback (the {@link TcpTrap}) is the target every request names, and must see no connection.
 */
class ClientsNeverUseTcpTest
{
    private static final UnixClientOptions OPTIONS = UnixClientOptions.defaults();
    /** What an application sets as its own default: timeouts, and no Unix socket. */
    private static final RequestConfig APPLICATIONS_OWN = RequestConfig.custom().setResponseTimeout(Timeout.ofSeconds(30)).build();

    @TempDir
    Path tmp;
    Path socket;
    UnixSocketAddress address;
    DetourServer server;
    TcpTrap trap;

    @BeforeEach
    void start() throws Exception
    {
        socket = tmp.resolve("app.sock");
        address = UnixSocketAddress.ofPath(socket);
        server = DetourServer.start(socket);
        trap = TcpTrap.open();
    }

    @AfterEach
    void stop() throws Exception
    {
        trap.close();
        server.close();
    }

    @ParameterizedTest
    @EnumSource(Apache.class)
    void apacheClientStaysOnTheSocketWithTheApplicationsOwnRequestConfig(Apache kind) throws Exception
    {
        try (ApacheClient client = open(kind, null))
        {
            assertServedOverTheSocket(client.get(trap.url("/info"), null), "/info");
            assertServedOverTheSocket(client.get(trap.url("/info?per-request"), RequestConfig.custom().build()), "/info?per-request");
            assertServedOverTheSocket(client.get(trap.url("/redirect?to=" + encode(trap.url("/info?redirected"))), null),
                "/info?redirected");
        }
        assertNothingReachedTheTrap();
        assertEquals(3, server.handled());
    }

    @ParameterizedTest
    @EnumSource(Apache.class)
    void apacheClientRefusesAProxyOrAnotherSocket(Apache kind) throws Exception
    {
        Path otherSocket = tmp.resolve("other.sock");
        HttpHost proxy = new HttpHost("127.0.0.1", trap.port());
        try (DetourServer other = DetourServer.start(otherSocket);
             ApacheClient client = open(kind, null);
             ApacheClient proxied = open(kind, proxy))
        {
            assertRefused(() -> client.get(trap.url("/info"), RequestConfig.custom().setProxy(proxy).build()));
            assertRefused(() -> proxied.get(trap.url("/info"), null));
            assertRefused(() -> client.get("http://localhost/info", RequestConfig.custom().setUnixDomainSocket(otherSocket).build()));
            assertEquals(0, other.handled(), "the request went to another socket");
        }
        assertNothingReachedTheTrap();
        assertEquals(0, server.handled());
    }

    /**
     * The socket carries no TLS: an {@code https} URL, asked for directly or by a redirect, is refused rather than sent
     * in plaintext.
     */
    @ParameterizedTest
    @EnumSource(Apache.class)
    void apacheClientRefusesHttps(Apache kind) throws Exception
    {
        try (ApacheClient client = open(kind, null))
        {
            assertRefused(() -> client.get("https://localhost/info", null));
            assertRefused(() -> client.get("http://localhost/redirect?to=" + encode("https://localhost/info?redirected"), null));
        }
        assertNothingReachedTheTrap();
        assertEquals(0, server.handled());
    }

    /** A plain Jetty HttpClient drops a request's transport when it follows a redirect or retries with credentials. */
    @Test
    void jettyClientFollowsRedirectsAndRetriesCredentialsOverTheSocket() throws Exception
    {
        HttpClient client = JettyUnixClients.newHttpClient(OPTIONS);
        client.getAuthenticationStore().addAuthentication(new BasicAuthentication(URI.create(trap.url("/")), "unixhttp", "user", "secret"));
        client.start();
        try
        {
            Transport unix = JettyUnixClients.transport(address, OPTIONS);
            assertServedOverTheSocket(send(client.newRequest(trap.url("/redirect?to=/info?relative")).transport(unix)), "/info?relative");
            assertServedOverTheSocket(send(client.newRequest(trap.url("/redirect?to=" + encode(trap.url("/info?absolute")))).transport(unix)),
                "/info?absolute");
            assertEquals("hello", send(client.newRequest(trap.url("/login")).transport(unix)));
        }
        finally
        {
            client.stop();
        }
        assertNothingReachedTheTrap();
        assertEquals(3, server.handled());
    }

    /**
     * A redirect to another host is not followed by any client: the Apache clients' {@code SameSocketRedirects}
     * hands the 302 to the application, and the Jetty clients do the same (Jetty's own handler would follow it,
     * down the socket). The new host ({@code localhost}, the trap's port) would be reached over TCP or over the
     * socket if it were followed; neither sees it. A redirect within the host still is followed.
     */
    @Test
    void noClientFollowsARedirectToAnotherHost() throws Exception
    {
        String elsewhere = "http://localhost:" + trap.port() + "/info?elsewhere";
        String redirect = trap.url("/redirect?to=" + encode(elsewhere));
        try (CloseableHttpClient classic = UnixHttpClients.custom(address, OPTIONS).build();
             CloseableHttpAsyncClient async = UnixHttpAsyncClients.custom(address, OPTIONS).build())
        {
            assertEquals(elsewhere, classic.execute(new HttpGet(redirect), response ->
            {
                assertEquals(302, response.getCode());
                return response.getFirstHeader("Location").getValue();
            }));
            async.start();
            SimpleHttpResponse response = async.execute(SimpleRequestBuilder.get(redirect).build(), null).get(30, TimeUnit.SECONDS);
            assertEquals(302, response.getCode());
        }
        HttpClient any = JettyUnixClients.newHttpClient(OPTIONS);
        HttpClient bound = JettyUnixClients.newHttpClient(address, OPTIONS);
        any.start();
        bound.start();
        try
        {
            for (Request request : List.of(any.newRequest(redirect).transport(JettyUnixClients.transport(address, OPTIONS)),
                bound.newRequest(redirect)))
            {
                ContentResponse response = request.timeout(30, TimeUnit.SECONDS).send();
                assertEquals(302, response.getStatus(), request.toString());
                assertEquals(elsewhere, response.getHeaders().get("Location"));
            }
            // The same host over https would run TLS down the plain socket: handed back like another host.
            String secure = trap.url("/info?tls").replaceFirst("^http:", "https:");
            ContentResponse toHttps = bound.newRequest(trap.url("/redirect?to=" + encode(secure))).timeout(30, TimeUnit.SECONDS).send();
            assertEquals(302, toHttps.getStatus());
            assertEquals(secure, toHttps.getHeaders().get("Location"));
            assertServedOverTheSocket(send(bound.newRequest(trap.url("/redirect?to=" + encode(trap.url("/info?same"))))), "/info?same");
        }
        finally
        {
            bound.stop();
            any.stop();
        }
        assertNothingReachedTheTrap();
        assertEquals(1, server.handled());
    }

    /**
     * A plain Jetty HttpClient given our transport would follow a redirect over TCP (its copy of the request drops
     * the transport): our transports refuse to connect for it at all, a socket file's and an abstract name's.
     */
    @Test
    void ourJettyTransportsRefuseAPlainHttpClient() throws Exception
    {
        HttpClient plain = new HttpClient();
        plain.start();
        try
        {
            assertRefused(() -> send(plain.newRequest(trap.url("/redirect?to=" + encode(trap.url("/info?redirected"))))
                .transport(JettyUnixClients.transport(address, OPTIONS))));
            assertRefused(() -> send(plain.newRequest(trap.url("/info"))
                .transport(JettyUnixClients.transport(UnixSocketAddress.ofAbstractName("unixhttp-plain-" + java.util.UUID.randomUUID()), OPTIONS))));
        }
        finally
        {
            plain.stop();
        }
        assertNothingReachedTheTrap();
        assertEquals(0, server.handled());
    }

    /** A plain Jetty HttpClient sends a request with a Unix transport to its proxy, over TCP. */
    @Test
    void jettyClientRefusesItsProxyForUnixRequests() throws Exception
    {
        HttpClient client = JettyUnixClients.newHttpClient(OPTIONS);
        client.getProxyConfiguration().addProxy(new HttpProxy(new Origin.Address("127.0.0.1", trap.port()), false));
        client.start();
        try
        {
            assertRefused(() -> send(client.newRequest("http://localhost/info").transport(JettyUnixClients.transport(address, OPTIONS))));
            assertRefused(() -> send(JettyUnixClients.newRequest(client, UnixUrl.format(address, "info"))));
        }
        finally
        {
            client.stop();
        }
        assertNothingReachedTheTrap();
        assertEquals(0, server.handled());
    }

    @Test
    void jettyClientForUnixTransportsRefusesARequestWithoutOne() throws Exception
    {
        HttpClient client = JettyUnixClients.newHttpClient(OPTIONS);
        client.start();
        try
        {
            assertRefused(() -> send(client.newRequest(trap.url("/info"))));
            assertRefused(() -> send(client.newRequest(trap.url("/info")).transport(Transport.TCP_IP)));
        }
        finally
        {
            client.stop();
        }
        assertNothingReachedTheTrap();
    }

    @Test
    void jettyClientBoundToAnEndpointSendsEveryRequestThereAndNowhereElse() throws Exception
    {
        Path otherSocket = tmp.resolve("other.sock");
        HttpClient client = JettyUnixClients.newHttpClient(address, OPTIONS);
        client.start();
        try (DetourServer other = DetourServer.start(otherSocket))
        {
            assertServedOverTheSocket(send(client.newRequest(trap.url("/info"))), "/info");
            assertServedOverTheSocket(send(client.newRequest(trap.url("/redirect?to=/info?redirected"))), "/info?redirected");
            assertRefused(() -> send(client.newRequest(trap.url("/info")).transport(Transport.TCP_IP)));
            assertRefused(() -> send(client.newRequest("http://localhost/info")
                .transport(JettyUnixClients.transport(UnixSocketAddress.ofPath(otherSocket), OPTIONS))));
            assertEquals(0, other.handled(), "the request went to another socket");
        }
        finally
        {
            client.stop();
        }
        assertNothingReachedTheTrap();
        assertEquals(2, server.handled());
    }

    @Test
    void jettyUnixRequestsAreRefusedOnAPlainHttpClient()
    {
        IllegalArgumentException refusal = assertThrows(IllegalArgumentException.class,
            () -> JettyUnixClients.newRequest(new HttpClient(), UnixUrl.format(address, "info")));
        assertTrue(refusal.getMessage().contains("JettyUnixClients.newHttpClient"), refusal.getMessage());
    }

    enum Apache
    {
        CLASSIC, ASYNC
    }

    /** A started Apache client with the application's own default {@code RequestConfig}, and a proxy unless null. */
    private ApacheClient open(Apache kind, HttpHost proxy)
    {
        if (kind == Apache.CLASSIC)
        {
            CloseableHttpClient client = UnixHttpClients.custom(address, OPTIONS).setDefaultRequestConfig(APPLICATIONS_OWN)
                .setProxy(proxy).build();
            return new ApacheClient(client, (uri, config) -> classicGet(client, uri, config));
        }
        CloseableHttpAsyncClient client = UnixHttpAsyncClients.custom(address, OPTIONS).setDefaultRequestConfig(APPLICATIONS_OWN)
            .setProxy(proxy).build();
        client.start();
        return new ApacheClient(client, (uri, config) -> asyncGet(client, uri, config));
    }

    /** A GET (with a per-request {@code RequestConfig} unless null) on either Apache client, which it closes. */
    private record ApacheClient(AutoCloseable client, Get getter) implements AutoCloseable
    {
        interface Get
        {
            String get(String uri, RequestConfig config) throws Exception;
        }

        String get(String uri, RequestConfig config) throws Exception
        {
            return getter.get(uri, config);
        }

        @Override
        public void close() throws Exception
        {
            client.close();
        }
    }

    private static String classicGet(CloseableHttpClient client, String uri, RequestConfig config) throws Exception
    {
        HttpGet get = new HttpGet(uri);
        if (config != null)
            get.setConfig(config);
        return client.execute(get, response ->
        {
            assertEquals(200, response.getCode());
            return EntityUtils.toString(response.getEntity());
        });
    }

    private static String asyncGet(CloseableHttpAsyncClient client, String uri, RequestConfig config) throws Exception
    {
        HttpClientContext context = HttpClientContext.create();
        if (config != null)
            context.setRequestConfig(config);
        SimpleHttpResponse response = client.execute(SimpleRequestBuilder.get(uri).build(), context, null).get(30, TimeUnit.SECONDS);
        assertEquals(200, response.getCode());
        return response.getBodyText();
    }

    private static String send(Request request) throws Exception
    {
        ContentResponse response = request.timeout(30, TimeUnit.SECONDS).send();
        assertEquals(200, response.getStatus());
        return response.getContentAsString();
    }

    private void assertServedOverTheSocket(String info, String pathAndQuery)
    {
        assertEquals(trap.url(pathAndQuery), Bodies.field(info, "uri"), "not answered over the socket: " + info);
    }

    private void assertNothingReachedTheTrap()
    {
        List<String> arrivals = trap.arrivals();
        assertEquals(List.of(), arrivals, "TCP connections were made to 127.0.0.1:" + trap.port());
    }

    private static void assertRefused(Executable request)
    {
        Throwable failure = assertThrows(Throwable.class, request);
        Throwable cause = failure;
        while (cause != null && !(cause instanceof UnixRouteException))
            cause = cause.getCause();
        assertTrue(cause instanceof UnixRouteException, "not refused as a route the socket cannot serve: " + failure);
        assertTrue(cause.getMessage().contains("Refusing"), cause.getMessage());
    }

    private static String encode(String url)
    {
        return URLEncoder.encode(url, StandardCharsets.UTF_8);
    }
}
