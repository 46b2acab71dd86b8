package io.github.unixhttp.unit.jetty;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.unit.UnixClientOptions;
import io.github.unixhttp.unit.UnixUrl;
import io.github.unixhttp.unit.internal.UnixDialer;
import io.github.unixhttp.unit.internal.jetty.SocketOnlyConnector;
import io.github.unixhttp.unit.internal.jetty.UnixHttpClient;
import io.github.unixhttp.unit.internal.jetty.UnixTransports;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.io.Transport;

/**
 * Jetty's HttpClient over a Unix socket, one call from a {@link UnixSocketAddress} or an {@code http+unix} URL.
 *
 * <pre>{@code
 * HttpClient httpClient = JettyUnixClients.newHttpClient(address, options);      // every request goes to address
 * httpClient.start();
 * ContentResponse response = httpClient.GET("http://localhost/status");
 *
 * HttpClient anySocket = JettyUnixClients.newHttpClient(options);                // the socket chosen per request
 * anySocket.start();
 * JettyUnixClients.newRequest(anySocket, "http+unix://%2Frun%2Fapp.sock/status").send();
 * anySocket.newRequest("http://localhost/status").transport(JettyUnixClients.transport(address)).send();
 * }</pre>
 *
 * <p><b>Use an HttpClient from {@link #newHttpClient}.</b> A plain HttpClient sends a request that has a Unix
 * transport over TCP when it follows a redirect or retries with credentials (its copy of the request drops the
 * transport) and when it has a proxy configured. The HttpClients made here keep the transport on every copy, refuse
 * proxies, and never open anything but a Unix socket: what cannot go over one fails with
 * {@link io.github.unixhttp.unit.UnixRouteException}. The transports from {@link #transport} refuse to connect for
 * a plain HttpClient (the request fails with {@code UnixRouteException}), so that the mistake shows on the first
 * request rather than on the first redirect.</p>
 *
 * <p><b>Redirects</b> are followed only within the request's host, as the Apache clients follow them: a redirect
 * to another host is not followed, and its 3xx response is the request's answer (never sent down the socket, and
 * never over TCP).</p>
 *
 * <p>Abstract names ({@code @name}) work too: the native edge connects, and the connection runs on the
 * HttpClient's own selectors like any other. In a JVM started without {@code --add-exports
 * java.base/sun.nio.ch=ALL-UNNAMED} it runs on jnr's channels instead, on a second client connector with jnr's
 * selector, added to the HttpClient as a bean (its executor, started and stopped with it).</p>
 *
 * <p>For Jetty's WebSocket client, see {@link JettyUnixWebSockets}.</p>
 */
public final class JettyUnixClients
{
    private JettyUnixClients()
    {
    }

    /**
     * The transport that sends a request to {@code address}, with the options' server identity check.
     *
     * <p>Give it to requests of an HttpClient from {@link #newHttpClient(UnixClientOptions)}. On a plain HttpClient
     * a request with it fails with {@link io.github.unixhttp.unit.UnixRouteException} before anything is connected:
     * such a client would send the copy it makes of the request to follow a redirect or to retry with credentials
     * over TCP. To send every request of a client to one socket, use {@link #newHttpClient(UnixSocketAddress, UnixClientOptions)}
     * instead, which needs no transport per request.</p>
     *
     * @return the transport to {@code address} (a socket file, or a Linux abstract name); equal transports share
     *         pooled connections
     * @throws IllegalArgumentException for an {@linkplain UnixSocketAddress#inherited() inherited} socket, which a
     *                                  client cannot connect to: give it the path the supervisor bound
     */
    public static Transport transport(UnixSocketAddress address, UnixClientOptions options)
    {
        return UnixTransports.of(address, options.serverIdentityFor(address));
    }

    /**
     * @return {@link #transport(UnixSocketAddress, UnixClientOptions)} with default options (no server identity check
     *         for a socket file; for an abstract name, the server must be this client's user or root)
     */
    public static Transport transport(UnixSocketAddress address)
    {
        return transport(address, UnixClientOptions.defaults());
    }

    /**
     * @param client an HttpClient from {@link #newHttpClient}
     * @param url    an {@code http+unix://} URL
     * @return a request for the URL's path on the URL's socket, with {@code Host: localhost}
     * @throws IllegalArgumentException if {@code client} is a plain HttpClient, which could send the request over
     *                                  TCP (see the class comment)
     */
    public static Request newRequest(HttpClient client, String url, UnixClientOptions options)
    {
        if (!(client instanceof UnixHttpClient))
            throw new IllegalArgumentException("Refusing to make a Unix socket request on a plain HttpClient (" + client + "): it " +
                "would send the request over TCP when it follows a redirect, retries with credentials or has a proxy. Make the " +
                "client with JettyUnixClients.newHttpClient(options)");
        UnixUrl parsed = UnixUrl.parse(url);
        return client.newRequest(parsed.requestUri()).transport(transport(parsed.address(), options));
    }

    /**
     * @return {@link #newRequest(HttpClient, String, UnixClientOptions)} with default options
     */
    public static Request newRequest(HttpClient client, String url)
    {
        return newRequest(client, url, UnixClientOptions.defaults());
    }

    /**
     * @return a new (not started) HttpClient for requests that carry a Unix transport ({@link #transport},
     *         {@link #newRequest}), whose connect timeout is the options'. It never connects over TCP: a request
     *         without a Unix transport, or one its proxy configuration would send to a proxy, fails with
     *         {@link io.github.unixhttp.unit.UnixRouteException}.
     */
    public static HttpClient newHttpClient(UnixClientOptions options)
    {
        return withOptions(new UnixHttpClient(null, SocketOnlyConnector.anySocketFile(), options.tls()), options);
    }

    /**
     * @return a new (not started) HttpClient that sends every request to {@code address}, whatever its URL, with
     *         the options' connect timeout and server identity check. A request given another transport, or one its
     *         proxy configuration would send to a proxy, fails with {@link io.github.unixhttp.unit.UnixRouteException}.
     * @throws IllegalArgumentException for an {@linkplain UnixSocketAddress#inherited() inherited} socket, which a
     *                                  client cannot connect to: give it the path the supervisor bound
     */
    public static HttpClient newHttpClient(UnixSocketAddress address, UnixClientOptions options)
    {
        UnixDialer.requireConnectable(address);
        return withOptions(new UnixHttpClient(transport(address, options), SocketOnlyConnector.only(address), options.tls()), options);
    }

    private static HttpClient withOptions(HttpClient client, UnixClientOptions options)
    {
        client.setConnectTimeout(options.connectTimeout().toMillis());
        return client;
    }
}
