package io.github.unixhttp.unit.okhttp;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.unit.UnixClientOptions;
import io.github.unixhttp.unit.internal.okhttp.UnixOkHttpBuilders;
import okhttp3.OkHttpClient;

/**
 * OkHttp over a Unix socket: a socket file or a Linux abstract name. Every request goes to the address, whatever its
 * URL; write URLs as {@code http://localhost/path}. Retrofit runs on it as on any OkHttpClient.
 *
 * <pre>{@code
 * OkHttpClient client = UnixOkHttpClients.newClient(UnixSocketAddress.parse("/run/app.sock"));
 * try (Response response = client.newCall(new Request.Builder().url("http://localhost/status").build()).execute()) {
 *     String body = response.body().string();
 * }
 * Retrofit retrofit = new Retrofit.Builder().baseUrl("http://localhost/").client(client).build();
 * }</pre>
 *
 * Needs OkHttp 5, an optional dependency of this module: declare it ({@code com.squareup.okhttp3:okhttp-jvm} 5.x
 * with Maven, {@code okhttp} with Gradle); built and tested with 5.5.1. Retrofit 3 asks for OkHttp 4.12 as
 * {@code com.squareup.okhttp3:okhttp}: exclude it, or both OkHttps end up on a Maven class path.
 *
 * <p><b>Fails closed: never TCP, never a proxy.</b> The client's socket factory makes sockets that connect to the
 * address whatever host and port OkHttp asks for, so a URL naming another host or port, an IP literal, or a redirect
 * still go over the socket. Its DNS looks nothing up (every host is a placeholder address that is never connected
 * to), and its proxy is {@link java.net.Proxy#NO_PROXY}, beside a proxy selector that chooses none whatever the
 * JVM's proxy properties say. A call that asks for what the socket cannot give fails with
 * {@link io.github.unixhttp.unit.UnixRouteException} before anything is connected: an {@code https} URL, a proxy
 * set later on the builder ({@code proxy(...)} or {@code proxySelector(...)}: OkHttp would connect a SOCKS proxy over
 * TCP with a socket of its own), or a socket factory set later on the builder. These are checked by the client's
 * first application interceptor: keep it first in {@code interceptors()} and add yours after it; an interceptor of
 * yours that changes the proxy or the socket factory of a call ({@code Interceptor.Chain.withProxy},
 * {@code withSocketFactory}) is past that check. An HTTP proxy set that way still goes to the socket: the socket
 * factory knows no other place.</p>
 *
 * <p><b>Redirects</b> are followed as OkHttp follows them, and every one is served by the one socket: a redirect's
 * absolute URL names nothing but a {@code Host} header here, whichever host or port it names. (The Apache and Jetty
 * clients of this module follow redirects only within the host instead.) {@code followSslRedirects} is off: a
 * redirect to {@code https} is the call's answer, and with it turned back on the TLS layer refuses it with a
 * {@code UnixRouteException}, before a byte of a handshake.</p>
 *
 * <p><b>Server identity.</b> With a {@link io.github.unixhttp.unit.ServerIdentityCheck} in the options, the socket
 * file is looked at before each connect and the server's credentials are read right after it, before OkHttp has the
 * connection, so before any byte of a request is written; a refusal is a
 * {@link io.github.unixhttp.unit.ServerIdentityException} (a {@link io.github.unixhttp.unit.SocketFileException}
 * for the file). By default an abstract name requires this user or root, and a socket file nothing
 * ({@link UnixClientOptions#serverIdentityFor}).</p>
 *
 * <p><b>Connect timeouts mean what they mean over TCP.</b> The options' connect timeout is the builder's
 * {@code connectTimeout}, and OkHttp passes it (or a call's own, {@code Interceptor.Chain.withConnectTimeout}) to the
 * socket: while the server's backlog is full the socket keeps trying (as a TCP connect waits) until it runs out, then
 * fails with a {@link java.net.SocketTimeoutException}; a socket with no server fails at once with a
 * {@link java.net.ConnectException} (OkHttp's, naming the placeholder address, whose cause is ours, naming the
 * socket).</p>
 *
 * <p><b>The pool.</b> The options' {@code maxConnections} is how many idle connections the client keeps to the socket
 * (for 5 minutes, OkHttp's default) and how many asynchronous calls ({@code enqueue}) its dispatcher runs at once;
 * OkHttp's default of 5 per host would cap a busy client, and every URL host is the one socket here. Each client
 * built here has a DNS of its own, which is how OkHttp tells its connections from another client's: two clients may
 * share a {@code ConnectionPool} and never reuse each other's connections.</p>
 *
 * <p>Abstract names ({@code @name}) are reached through unixhttp's Linux layer; on the portable layer the client
 * refuses one when it is made ({@code IllegalStateException}).</p>
 */
public final class UnixOkHttpClients
{
    private UnixOkHttpClients()
    {
    }

    /**
     * A ready client with default options.
     *
     * @param address the socket every request goes to: a socket file or an abstract name
     * @return the client; OkHttp's advice holds: make one, and share it
     * @throws IllegalArgumentException for an {@linkplain UnixSocketAddress#inherited() inherited} socket, which a
     *                                  client cannot connect to: give it the path the supervisor bound
     * @throws IllegalStateException    for an abstract name on the portable layer, or with OkHttp older than 5 on
     *                                  the class path
     */
    public static OkHttpClient newClient(UnixSocketAddress address)
    {
        return newClient(address, UnixClientOptions.defaults());
    }

    /**
     * A ready client with {@code options}: connect timeout, server identity check, pool size.
     *
     * @param address the socket every request goes to: a socket file or an abstract name
     * @param options the connect timeout, the server identity check and the pool size
     * @return the client; OkHttp's advice holds: make one, and share it
     * @throws IllegalArgumentException for an {@linkplain UnixSocketAddress#inherited() inherited} socket, or a check
     *                                  that requires a file owner of an abstract name, which has no file
     * @throws IllegalStateException    for an abstract name on the portable layer, or with OkHttp older than 5 on
     *                                  the class path
     */
    public static OkHttpClient newClient(UnixSocketAddress address, UnixClientOptions options)
    {
        return builder(address, options).build();
    }

    /**
     * A builder to customize further (interceptors, read and write timeouts, an event listener, a cache...), with
     * the Unix parts already set: the socket factory, DNS, proxy, proxy selector, TLS refusal, connect timeout,
     * connection pool, dispatcher and the route check as the first interceptor. Replace none of those, and add
     * your interceptors after the one there.
     *
     * @param address the socket every request goes to: a socket file or an abstract name
     * @param options the connect timeout, the server identity check and the pool size
     * @return a new builder, set up; each call makes another (with its own pool and dispatcher)
     * @throws IllegalArgumentException for an {@linkplain UnixSocketAddress#inherited() inherited} socket, or a check
     *                                  that requires a file owner of an abstract name, which has no file
     * @throws IllegalStateException    for an abstract name on the portable layer, or with OkHttp older than 5 on
     *                                  the class path
     */
    public static OkHttpClient.Builder builder(UnixSocketAddress address, UnixClientOptions options)
    {
        return UnixOkHttpBuilders.builder(address, options);
    }
}
