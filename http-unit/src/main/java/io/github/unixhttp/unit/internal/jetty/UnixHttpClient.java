package io.github.unixhttp.unit.internal.jetty;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

import io.github.unixhttp.unit.UnixRouteException;
import io.github.unixhttp.unit.UnixTls;
import org.eclipse.jetty.client.Connection;
import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpRedirector;
import org.eclipse.jetty.client.Origin;
import org.eclipse.jetty.client.ProxyConfiguration;
import org.eclipse.jetty.client.RedirectProtocolHandler;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpScheme;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.client.transport.HttpConversation;
import org.eclipse.jetty.client.transport.HttpRequest;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.util.Promise;

/**
 * Jetty's HttpClient, made to fail closed over Unix sockets. A plain HttpClient sends a request whose transport is
 * a Unix socket over TCP in three cases: when it follows a redirect or retries with credentials (the copy it makes
 * of the request drops the transport), and when a proxy is configured (the proxy's TCP address replaces the
 * socket). This one keeps a request's transport on every copy, refuses a destination that is not a Unix socket or
 * that a proxy would serve, and connects with a {@link SocketOnlyConnector}.
 *
 * <p>Redirects are followed only within the same host, as the Apache clients follow them: the socket serves one
 * server, and a redirect to another host sent down it would hand that server a request (and the headers copied
 * onto it) meant for someone else. A redirect to another host is not followed: its 3xx response (status and
 * headers; Jetty discards a redirect's content) is the answer, for the application to look at.</p>
 *
 * <p>Bound to an address, a request without a transport goes to the address, and a request with another
 * transport is refused.</p>
 *
 * <p>{@code https} (and {@code wss}) is refused unless the client was given {@link UnixTls}: then TLS runs over the
 * socket, the server's certificate checked against the name it gives.</p>
 */
public final class UnixHttpClient extends HttpClient
{
    private final Transport bound;
    private final UnixTls tls;

    /**
     * @param bound the transport every request must use (and gets if it has none), or {@code null} for any Unix
     *              transport given per request
     * @param tls   TLS over the socket for {@code https}, or {@code null}: then {@code https} is refused
     */
    public UnixHttpClient(Transport bound, SocketOnlyConnector connector, UnixTls tls)
    {
        super(new DefaultTransport(connector, bound));
        this.bound = bound;
        this.tls = tls;
        if (tls != null)
            connector.setSslContextFactory(new NamedServerSslContextFactory(tls));
    }

    /** Puts {@link SameHostRedirects} in the place of HttpClient's own redirect handler, which {@code doStart} installs. */
    @Override
    protected void doStart() throws Exception
    {
        super.doStart();
        getProtocolHandlers().put(new SameHostRedirects(this));
    }

    /**
     * Our transports connect only for an HttpClient of this class: on a plain HttpClient a request with our
     * transport works, but the copy it makes to follow a redirect or to retry with credentials loses the transport
     * and goes over TCP. Refusing there at once, on the first request, is what makes that copy impossible.
     *
     * @param context the connect context of a transport's {@code connect}
     * @return {@code null} for an HttpClient of this class, else the refusal to fail the connect with
     */
    static UnixRouteException refusalOfPlainClient(Map<String, Object> context, Transport transport)
    {
        Object client = context.get(ClientConnector.HTTP_CLIENT_CONTEXT_KEY);
        if (client instanceof UnixHttpClient)
            return null;
        return new UnixRouteException("Refusing to connect " + transport + " for " + client + ": a plain HttpClient sends a " +
            "request that has a Unix transport over TCP when it follows a redirect or retries with credentials (its copy " +
            "of the request drops the transport). Make the client with JettyUnixClients.newHttpClient(options), or " +
            "JettyUnixClients.newHttpClient(address, options) to send every request to one socket");
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
        if (tls == null && HttpScheme.isSecure(origin.getScheme()))
            promise.failed(new UnixRouteException("Refusing to send a request for " + origin.asString() + " over " + transport +
                ": https asks for TLS, and this HttpClient speaks plain HTTP over the socket (which never leaves the machine; its " +
                "file's permissions and the server identity check are what protect it). Write the URL as http://localhost/..., " +
                "or, for a server that speaks TLS on its socket, give the client UnixClientOptions.builder().tls(UnixTls.trusting(" +
                "caPem, \"server.name\"))"));
        else if (proxy != null)
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

    /**
     * Jetty's redirect handling, for redirects within the request's host and scheme only; any other redirect response is
     * passed on to the application unfollowed (as the Apache clients' {@code SameSocketRedirects} does), as Jetty
     * itself passes on a redirect whose request body cannot be sent again: its status and headers, its content
     * discarded. (Whether a redirect is followed is decided once the response is complete: Jetty picks the handler
     * on the status line, before the Location header has arrived.) A relative location stays on the host.
     */
    private static final class SameHostRedirects extends RedirectProtocolHandler
    {
        private final HttpRedirector redirector;

        SameHostRedirects(HttpClient client)
        {
            super(client);
            this.redirector = new HttpRedirector(client);
        }

        @Override
        public void onComplete(Result result)
        {
            Request request = result.getRequest();
            // The location as Jetty would follow it; one it cannot read, Jetty fails the request for.
            URI target = result.getResponseFailure() == null ? redirector.extractRedirectURI(result.getResponse()) : null;
            if (target == null || isSameHost(request, target))
            {
                super.onComplete(result);
                return;
            }
            HttpConversation conversation = ((HttpRequest)request).getConversation();
            conversation.updateResponseListeners(null);
            conversation.getResponseListeners().emitSuccessComplete(new Result(request, result.getResponse()));
        }

        /**
         * Same host and same scheme: a switch to {@code https} would run TLS down the plain socket (the Apache
         * clients refuse {@code https} outright), so it is handed to the application like another host.
         */
        private static boolean isSameHost(Request request, URI target)
        {
            if (target.getRawAuthority() == null)
                return target.getScheme() == null;
            // A scheme-relative Location (//host/path) keeps the request's scheme.
            return target.getHost() != null && target.getHost().equalsIgnoreCase(request.getHost()) &&
                (target.getScheme() == null || request.getScheme().equalsIgnoreCase(target.getScheme()));
        }
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
