package io.github.unixhttp.unit.okhttp;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.SocketFactory;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.unit.Bodies;
import io.github.unixhttp.unit.TcpTrap;
import io.github.unixhttp.unit.UnixClientOptions;
import io.github.unixhttp.unit.UnixRouteException;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client from {@link UnixOkHttpClients} never opens a TCP connection, whatever the URL, a redirect, or the proxy
 * and socket factory set on its builder: each call goes over the socket or fails with {@link UnixRouteException}
 * before anything is connected. A real TCP listener on loopback (the {@link TcpTrap}) is what the URLs and proxies
 * name, and must see no connection.
 */
class OkHttpNeverUsesTcpTest
{
    @TempDir
    Path tmp;
    UnixSocketAddress address;
    CountingServer server;
    TcpTrap trap;
    /** How many connections the clients of {@link #countingConnects()} started to make. */
    final AtomicInteger connects = new AtomicInteger();

    @BeforeEach
    void start() throws Exception
    {
        address = UnixSocketAddress.ofPath(tmp.resolve("app.sock"));
        server = CountingServer.start(address);
        trap = TcpTrap.open();
    }

    @AfterEach
    void stop() throws Exception
    {
        trap.close();
        server.close();
    }

    @Test
    void aUrlNamingATcpListenerIsServedOverTheSocket() throws Exception
    {
        OkHttpClient client = UnixOkHttpClients.newClient(address);
        assertServedOverTheSocket(OkHttpClientTest.get(client, trap.url("/info")), trap.url("/info"));
        assertServedOverTheSocket(OkHttpClientTest.get(client, "http://localhost:" + trap.port() + "/info?by-name"),
            "http://localhost:" + trap.port() + "/info?by-name");
        // No lookup either: a name no DNS knows is as good as localhost.
        assertServedOverTheSocket(OkHttpClientTest.get(client, "http://no-such-host.invalid/info"), "http://no-such-host.invalid/info");
        assertNothingReachedTheTrap();
        assertEquals(3, server.handled());
    }

    /**
     * Every redirect is served by the one socket, whichever host and port its URL names. (OkHttp pools connections
     * per URL host and port: one for each of the two here, both to the socket.)
     */
    @Test
    void redirectsAreFollowedOverTheSocket() throws Exception
    {
        OkHttpClient client = UnixOkHttpClients.newClient(address);
        String sameHost = "/info?relative";
        String otherHost = trap.url("/info?absolute");
        assertServedOverTheSocket(OkHttpClientTest.get(client, trap.url("/redirect?to=" + encode(sameHost))), trap.url(sameHost));
        assertServedOverTheSocket(OkHttpClientTest.get(client, "http://localhost/redirect?to=" + encode(otherHost)), otherHost);
        assertNothingReachedTheTrap();
        assertEquals(2, server.handled());
        assertEquals(2, server.accepted());
    }

    /** The socket carries no TLS: an {@code https} URL is refused before anything is connected. */
    @Test
    void anHttpsUrlIsRefusedBeforeConnecting() throws Exception
    {
        OkHttpClient client = builder().eventListener(countingConnects()).build();
        assertRefused(() -> OkHttpClientTest.get(client, "https://localhost/info"));
        assertRefused(() -> OkHttpClientTest.get(client, trap.url("/info").replaceFirst("^http:", "https:")));
        assertEquals(0, connects.get());
        assertNothingReachedTheTrap();
    }

    /**
     * A redirect to {@code https} is the call's answer ({@code followSslRedirects} is off); with it turned back on,
     * the TLS layer refuses it before a byte of a handshake.
     */
    @Test
    void aRedirectToHttpsIsHandedBackOrRefused() throws Exception
    {
        String secure = "https://localhost/info?tls";
        Request redirect = new Request.Builder().url("http://localhost/redirect?to=" + encode(secure)).build();
        OkHttpClient client = builder().eventListener(countingConnects()).build();
        try (Response response = client.newCall(redirect).execute())
        {
            assertEquals(302, response.code());
            assertEquals(secure, response.header("Location"));
        }
        OkHttpClient following = client.newBuilder().followSslRedirects(true).build();
        assertRefused(() -> following.newCall(redirect).execute().close());
        assertEquals(0, server.handled());
        // The redirects' connection, and one for https that the TLS layer refused (and OkHttp did not retry).
        assertEquals(2, connects.get());
        assertNothingReachedTheTrap();
    }

    /**
     * A proxy set on the builder after the Unix parts (an HTTP one, a SOCKS one, which OkHttp would connect with a
     * socket of its own, or one a proxy selector chooses) is refused before anything is connected.
     */
    @Test
    void aProxySetOnTheBuilderIsRefused() throws Exception
    {
        InetSocketAddress trapAddress = new InetSocketAddress("127.0.0.1", trap.port());
        ProxySelector toTheTrap = new ProxySelector()
        {
            @Override
            public List<Proxy> select(URI uri)
            {
                return List.of(new Proxy(Proxy.Type.HTTP, trapAddress));
            }

            @Override
            public void connectFailed(URI uri, SocketAddress proxy, IOException failure)
            {
            }
        };
        for (OkHttpClient.Builder proxied : List.of(
            builder().proxy(new Proxy(Proxy.Type.HTTP, trapAddress)),
            builder().proxy(new Proxy(Proxy.Type.SOCKS, trapAddress)),
            builder().proxy(null).proxySelector(toTheTrap)))
        {
            OkHttpClient client = proxied.eventListener(countingConnects()).build();
            assertRefused(() -> OkHttpClientTest.get(client, trap.url("/info")));
        }
        assertEquals(0, connects.get());
        assertEquals(0, server.accepted());
        assertNothingReachedTheTrap();
    }

    /**
     * The JVM's proxy properties configure its TCP clients, not this one: with no proxy set (so OkHttp asks the
     * proxy selector) and {@code http.proxyHost} naming the trap, the request still goes over the socket.
     */
    @Test
    void theJvmsProxyPropertiesAreNotUsed() throws Exception
    {
        String host = System.getProperty("http.proxyHost");
        String port = System.getProperty("http.proxyPort");
        System.setProperty("http.proxyHost", "127.0.0.1");
        System.setProperty("http.proxyPort", String.valueOf(trap.port()));
        try
        {
            OkHttpClient client = builder().proxy(null).build();
            assertServedOverTheSocket(OkHttpClientTest.get(client, "http://localhost/info"), "http://localhost/info");
        }
        finally
        {
            restore("http.proxyHost", host);
            restore("http.proxyPort", port);
        }
        assertNothingReachedTheTrap();
    }

    /**
     * An interceptor of the application's, after the client's own check, may change a call's proxy
     * ({@code Interceptor.Chain.withProxy}): an HTTP proxy still goes to the socket, since the socket factory knows
     * no other place (the request goes in a proxy's form, with the absolute URL).
     */
    @Test
    void anHttpProxySetPastTheCheckStillGoesToTheSocket() throws Exception
    {
        Proxy trapProxy = new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", trap.port()));
        OkHttpClient client = builder().addInterceptor(chain -> chain.withProxy(trapProxy).proceed(chain.request())).build();
        assertServedOverTheSocket(OkHttpClientTest.get(client, "http://elsewhere.invalid:8080/info"), "http://elsewhere.invalid:8080/info");
        assertEquals(1, server.accepted());
        assertNothingReachedTheTrap();
    }

    /** Another socket factory on the builder would connect over TCP: refused before anything is connected. */
    @Test
    void aSocketFactorySetOnTheBuilderIsRefused() throws Exception
    {
        OkHttpClient client = builder().socketFactory(SocketFactory.getDefault()).eventListener(countingConnects()).build();
        assertRefused(() -> OkHttpClientTest.get(client, trap.url("/info")));
        // Nor may one client's factory serve another (it would reach another socket).
        OkHttpClient other = UnixOkHttpClients.newClient(UnixSocketAddress.ofPath(tmp.resolve("other.sock")));
        OkHttpClient mixed = builder().socketFactory(other.socketFactory()).eventListener(countingConnects()).build();
        assertRefused(() -> OkHttpClientTest.get(mixed, "http://localhost/info"));
        assertEquals(0, connects.get());
        assertEquals(0, server.accepted());
        assertNothingReachedTheTrap();
    }

    /** The socket factory's own connecting methods, which OkHttp does not call, go to the socket too. */
    @Test
    void theSocketFactoryConnectsToTheSocketWhateverItIsAsked() throws Exception
    {
        SocketFactory sockets = UnixOkHttpClients.newClient(address).socketFactory();
        try (Socket socket = sockets.createSocket("127.0.0.1", trap.port()))
        {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /info HTTP/1.1\r\nHost: 127.0.0.1:" + trap.port() + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(response.startsWith("HTTP/1.1 200 "), response);
            assertTrue(response.contains("\nuri=" + trap.url("/info") + "\n"), response);
        }
        assertEquals(1, server.handled());
        assertNothingReachedTheTrap();
    }

    /** @return a listener that counts the connections OkHttp starts to make, in {@link #connects} */
    private EventListener countingConnects()
    {
        return new EventListener()
        {
            @Override
            public void connectStart(Call call, InetSocketAddress inetSocketAddress, Proxy proxy)
            {
                connects.incrementAndGet();
            }
        };
    }

    private OkHttpClient.Builder builder()
    {
        return UnixOkHttpClients.builder(address, UnixClientOptions.defaults());
    }

    private static void restore(String property, String value)
    {
        if (value == null)
            System.clearProperty(property);
        else
            System.setProperty(property, value);
    }

    private static void assertServedOverTheSocket(String info, String url)
    {
        assertEquals(url, Bodies.field(info, "uri"), "not answered over the socket: " + info);
    }

    private void assertNothingReachedTheTrap()
    {
        assertEquals(List.of(), trap.arrivals(), "TCP connections were made to 127.0.0.1:" + trap.port());
    }

    private static void assertRefused(Executable call)
    {
        Throwable failure = assertThrows(Throwable.class, call);
        Throwable cause = failure;
        while (cause != null && !(cause instanceof UnixRouteException))
            cause = cause.getCause();
        assertTrue(cause instanceof UnixRouteException, "not refused as a route the socket cannot serve: " + failure);
    }

    private static String encode(String url)
    {
        return URLEncoder.encode(url, StandardCharsets.UTF_8);
    }
}
