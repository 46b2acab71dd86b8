package io.github.unixhttp.unit.internal.jetty;

import java.net.URI;
import java.util.Objects;

import io.github.unixhttp.unit.UnixRouteException;
import org.eclipse.jetty.client.Connection;
import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Origin;
import org.eclipse.jetty.client.ProxyConfiguration;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.util.Promise;

/**
 * Jetty's HttpClient, made to fail closed over Unix sockets. A plain HttpClient sends a request whose transport is
 * a Unix socket over TCP in three cases: when it follows a redirect or retries with credentials (the copy it makes
 * of the request drops the transport), and when a proxy is configured (the proxy's TCP address replaces the
 * socket). This one keeps a request's transport on every copy, refuses a destination that is not a Unix socket or
 * that a proxy would serve, and connects with a {@link SocketOnlyConnector}.
 *
 * <p>Bound to an address, a request without a transport goes to the address, and a request with another
 * transport is refused.</p>
 */
public final class UnixHttpClient extends HttpClient
{
    private final Transport bound;

    /**
     * @param bound the transport every request must use (and gets if it has none), or {@code null} for any Unix
     *              transport given per request
     */
    public UnixHttpClient(Transport bound, SocketOnlyConnector connector)
    {
        super(new DefaultTransport(connector, bound));
        this.bound = bound;
    }

    /** Keeps the transport on the copies made to follow a redirect or to retry with credentials. */
    @Override
    protected Request copyRequest(Request oldRequest, URI newURI)
    {
        return super.copyRequest(oldRequest, newURI).transport(oldRequest.getTransport());
    }

    @Override
    public void newConnection(Destination destination, Promise<Connection> promise)
    {
        Origin origin = destination.getOrigin();
        ProxyConfiguration.Proxy proxy = destination.getProxy();
        Transport transport = origin.getTransport();
        if (proxy != null)
            promise.failed(new UnixRouteException("Refusing to send a request for " + origin.asString() + " through the proxy " +
                proxy.getURI() + ": this HttpClient sends requests over Unix sockets only, never over TCP. Remove the " +
                "proxy from its ProxyConfiguration, or use another HttpClient for proxied requests"));
        else if (bound != null && !bound.equals(transport))
            promise.failed(new UnixRouteException("Refusing to send a request for " + origin.asString() + " over " + transport +
                ": this HttpClient is bound to " + bound + " and sends every request there. Leave the request's transport " +
                "unset, or use another HttpClient"));
        else if (bound == null && !isUnix(transport))
            promise.failed(new UnixRouteException("Refusing to send a request for " + origin.asString() + " over " + transport +
                ": this HttpClient sends requests over Unix sockets only, never over TCP. Give the request a transport from " +
                "JettyUnixClients.transport(address), or make the client with JettyUnixClients.newHttpClient(address, options) " +
                "to send every request to one socket"));
        else
            super.newConnection(destination, promise);
    }

    private static boolean isUnix(Transport transport)
    {
        return transport instanceof Transport.Unix || transport instanceof AbstractNameTransport;
    }

    /** Gives a request without a transport the bound one, as HttpClient's own gives it TCP. */
    private static final class DefaultTransport extends HttpClientTransportOverHTTP
    {
        private final Transport bound;

        DefaultTransport(SocketOnlyConnector connector, Transport bound)
        {
            super(connector);
            this.bound = bound;
        }

        @Override
        public Origin newOrigin(Request request)
        {
            if (bound != null && request.getTransport() == null)
                request.transport(bound);
            return super.newOrigin(request);
        }
    }

    @Override
    public String toString()
    {
        return super.toString() + (bound == null ? "[unix sockets only]" : "[bound to " + Objects.toString(bound) + "]");
    }
}
