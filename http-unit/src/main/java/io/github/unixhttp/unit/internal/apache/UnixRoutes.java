package io.github.unixhttp.unit.internal.apache;

import java.io.IOException;
import java.nio.file.Path;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.unit.UnixTls;
import io.github.unixhttp.unit.UnixRouteException;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.client5.http.async.AsyncExecChain;
import org.apache.hc.client5.http.async.AsyncExecChainHandler;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;

/**
 * Refuses, in the execution chain of both Apache clients, a request whose route the client cannot serve over its
 * socket: one through a proxy (from a {@code RequestConfig}, the builder, a route planner or the proxy system
 * properties), one to another Unix socket, or an {@code https} one unless the client was given {@link UnixTls} (the
 * connection layer then runs TLS over the socket; without it the classic client would send it in plaintext). It sits just before the connect step, so it sees the route of every hop: of a
 * redirect or a retry too, not only of the request as the application made it. Routes without a socket are served:
 * the connection layer takes every connect to the client's own address, and is what makes TCP impossible.
 */
public final class UnixRoutes implements ExecChainHandler, AsyncExecChainHandler
{
    /** The name of this element in the execution chain. */
    public static final String NAME = "unixhttp-unix-routes";

    private final UnixSocketAddress address;
    private final UnixTls tls;

    /**
     * @param tls the client's TLS over the socket, or {@code null}: then {@code https} is refused
     */
    public UnixRoutes(UnixSocketAddress address, UnixTls tls)
    {
        this.address = address;
        this.tls = tls;
    }

    @Override
    public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain) throws IOException, HttpException
    {
        requireServable(scope.route);
        return chain.proceed(request, scope);
    }

    @Override
    public void execute(HttpRequest request, AsyncEntityProducer entityProducer, AsyncExecChain.Scope scope, AsyncExecChain chain,
                        AsyncExecCallback callback) throws HttpException, IOException
    {
        requireServable(scope.route);
        chain.proceed(request, entityProducer, scope, callback);
    }

    private void requireServable(HttpRoute route) throws UnixRouteException
    {
        if (route.getProxyHost() != null)
            throw new UnixRouteException("Refusing to send a request through the proxy " + route.getProxyHost() + ": this client " +
                "is built for unix:" + address + " and sends every request over that socket, never over TCP. Remove the " +
                "proxy (RequestConfig.setProxy, HttpClientBuilder.setProxy, a route planner, or the proxy system properties), " +
                "or use a separate client for TCP");
        if (route.isSecure() && tls == null)
            throw new UnixRouteException("Refusing to send a request for " + route.getTargetHost() + " over unix:" + address +
                ": https asks for TLS, and this client speaks plain HTTP over the socket (which never leaves the machine; its " +
                "file's permissions and the server identity check are what protect it). Write the URL as http://localhost/..., " +
                "or, for a server that speaks TLS on its socket, give the client UnixClientOptions.builder().tls(UnixTls.trusting(" +
                "caPem, \"server.name\"))");
        // Before httpclient5 5.6 a route cannot name a socket: there is none to check.
        if (HttpClientVersion.ROUTES_NAME_SOCKETS)
            requireOwnSocket(address, route.getUnixDomainSocket());
    }

    /**
     * @return the default request configuration of a client of {@code socket}: it names the socket where HttpClient's
     *         routes can (5.6+); before, the connection layer alone sends everything to it
     */
    public static RequestConfig defaultRequestConfig(Path socket)
    {
        RequestConfig.Builder config = RequestConfig.custom();
        if (HttpClientVersion.ROUTES_NAME_SOCKETS)
            config.setUnixDomainSocket(socket);
        return config.build();
    }

    /**
     * The route's socket as HttpClient carries it: a path. The client's own path is set on the default
     * {@code RequestConfig} ({@link #routeSocketOf}); an abstract name has no path form, so routes to one carry none.
     *
     * @param unixDomainSocket the socket a route names, or {@code null} for none (then the client's address is used)
     * @throws UnixRouteException if the route names another socket than the client's
     */
    public static void requireOwnSocket(UnixSocketAddress address, Path unixDomainSocket) throws UnixRouteException
    {
        if (unixDomainSocket == null || unixDomainSocket.equals(address.path()))
            return;
        throw new UnixRouteException("Refusing to send a request to unix:" + unixDomainSocket + ": this client is built for unix:" +
            address + " and connects to no other socket. Remove the socket from the request's RequestConfig, or build a " +
            "client for that socket");
    }

    /**
     * @return the socket to put in the client's default {@code RequestConfig}: the path, or {@code null} for an
     *         abstract name, which HttpClient's routes cannot express (the connection operator reaches it anyway)
     */
    public static Path routeSocketOf(UnixSocketAddress address)
    {
        return address.path();
    }
}
