package io.github.unixhttp.unit.internal.okhttp;

import java.io.IOException;
import java.net.Proxy;
import java.util.List;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.unit.UnixRouteException;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The OkHttp client's first application interceptor: refuses, before anything is connected, a call the client
 * cannot serve over its socket, with a {@link UnixRouteException}:
 * <ul>
 *   <li>an {@code https} URL, unless the client was given {@code UnixTls}: the socket carries plain HTTP, and OkHttp
 *       would run TLS over it;</li>
 *   <li>a proxy (set on the builder with {@code proxy(...)}, or chosen by a {@code proxySelector} of the
 *       application's): OkHttp connects a SOCKS proxy with a socket of its own, over TCP, never asking the socket
 *       factory, and an HTTP proxy's requests would go down the socket in the proxy's form;</li>
 *   <li>a socket factory other than the client's own ({@code socketFactory(...)} on the builder): it would connect
 *       over TCP.</li>
 * </ul>
 * It reads the settings the call runs with from the chain (OkHttp 5), so it sees those of the builder, of a client
 * derived with {@code newBuilder()}, and of interceptors added before it. An application interceptor added after it
 * that changes them per call ({@code Interceptor.Chain.withProxy}, {@code withSocketFactory}) acts after this check.
 * Redirects and retries happen inside OkHttp, after this interceptor: they keep the client's socket factory and
 * proxy, and {@link NoTls} refuses an {@code https} one.
 */
public final class UnixRouteGuard implements Interceptor
{
    private final UnixSocketAddress address;
    private final UnixSocketFactory socketFactory;
    private final boolean tls;

    /**
     * @param socketFactory the client's own: a call must run with it
     * @param tls           whether the client runs TLS over the socket for {@code https} (else {@code https} is refused)
     */
    public UnixRouteGuard(UnixSocketFactory socketFactory, boolean tls)
    {
        this.address = socketFactory.address();
        this.socketFactory = socketFactory;
        this.tls = tls;
    }

    @Override
    public Response intercept(Chain chain) throws IOException
    {
        Request request = chain.request();
        if (request.url().isHttps() && !tls)
            throw refuseHttps(address, request.url().toString());
        if (chain.getSocketFactory() != socketFactory)
            throw new UnixRouteException("Refusing to send a request for " + request.url() + " with the socket factory " +
                chain.getSocketFactory() + ": this client is built for unix:" + address + ", and another socket factory " +
                "would connect elsewhere, over TCP. Keep the client's own socket factory (do not call socketFactory(...) " +
                "on its builder), or use a separate OkHttpClient for TCP");
        Proxy proxy = chain.getProxy();
        List<Proxy> proxies = proxy != null ? List.of(proxy) : chain.getProxySelector().select(request.url().uri());
        for (Proxy candidate : proxies)
        {
            if (candidate.type() != Proxy.Type.DIRECT)
                throw new UnixRouteException("Refusing to send a request for " + request.url() + " through the proxy " +
                    candidate + ": this client is built for unix:" + address + " and sends every request over that socket, " +
                    "never over TCP. Remove the proxy (proxy(...) or proxySelector(...) on the builder), or use a separate " +
                    "OkHttpClient for TCP");
        }
        return chain.proceed(request);
    }

    /** @return the refusal of an {@code https} request to {@code url} */
    static UnixRouteException refuseHttps(UnixSocketAddress address, String url)
    {
        return new UnixRouteException("Refusing to send a request for " + url + " over unix:" + address + ": https asks " +
            "for TLS, and this client speaks plain HTTP over the socket (which never leaves the machine; its file's " +
            "permissions and the server identity check are what protect it). Write the URL as http://localhost/..., or, for " +
            "a server that speaks TLS on its socket, give the client UnixClientOptions.builder().tls(UnixTls.trusting(caPem, " +
            "\"server.name\"))");
    }

    @Override
    public String toString()
    {
        return "UnixRouteGuard[unix:" + address + "]";
    }
}
