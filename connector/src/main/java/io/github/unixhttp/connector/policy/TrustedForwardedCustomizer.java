package io.github.unixhttp.connector.policy;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.github.unixhttp.core.PeerCredentials;
import io.github.unixhttp.connector.UnixSocketCustomizer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;

/**
 * Applies {@code Forwarded} / {@code X-Forwarded-*} headers (through Jetty's {@link ForwardedRequestCustomizer})
 * only to requests from a peer the connector's trusted proxies policy ({@code UnixSocketConnector.setTrustedProxies},
 * through {@link TrustedProxiesSource}) admits, such as nginx running as {@code www-data}. From anyone else the headers are ignored: over a
 * socket file the peer is a local process, and any local user could otherwise claim to be any remote client.
 * Requests from other connectors (TCP) get the plain customizer's behaviour.
 *
 * <p>A forwarded client without a port ({@code Forwarded: for=192.0.2.7}, as RFC 7239's own examples send it) gets
 * port 0. (Jetty's customizer takes the port from the connection's remote address then, and fails the request with
 * a 500 when, as on a Unix socket, that is not an {@link InetSocketAddress}.) Values that are no address at all are
 * answered 400 by Jetty's customizer.</p>
 *
 * <p>{@code UnixSocketConnector} puts one in place of each plain {@code ForwardedRequestCustomizer} it finds in
 * its HTTP configurations.</p>
 */
public class TrustedForwardedCustomizer implements HttpConfiguration.Customizer
{
    /**
     * What Jetty's customizer sees as the remote address of a connection that has no IP address, so that it can
     * take port 0 from it; recognized by identity afterwards and never shown to the application.
     */
    private static final InetSocketAddress NO_IP_ADDRESS = InetSocketAddress.createUnresolved("unix", 0);

    private final ForwardedRequestCustomizer forwarded;

    public TrustedForwardedCustomizer()
    {
        this(new ForwardedRequestCustomizer());
    }

    public TrustedForwardedCustomizer(ForwardedRequestCustomizer forwarded)
    {
        this.forwarded = forwarded;
    }

    /**
     * @return the customizer that applies the headers once the peer is trusted
     */
    public ForwardedRequestCustomizer getForwardedRequestCustomizer()
    {
        return forwarded;
    }

    /**
     * Wraps each plain {@link ForwardedRequestCustomizer} of {@code configuration} in a {@code
     * TrustedForwardedCustomizer}, in place. For a configuration that only Unix socket connectors serve, when a
     * framework adds a plain one to every connector after the connector was made (Spring Boot's {@code
     * server.forward-headers-strategy=native}); never call it on a configuration you share with others.
     */
    public static void wrapPlainOnes(HttpConfiguration configuration)
    {
        List<HttpConfiguration.Customizer> customizers = new ArrayList<>();
        for (HttpConfiguration.Customizer customizer : configuration.getCustomizers())
            customizers.add(customizer instanceof ForwardedRequestCustomizer plain ? new TrustedForwardedCustomizer(plain) : customizer);
        configuration.setCustomizers(customizers);
    }

    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders)
    {
        if (!(request.getConnectionMetaData().getConnector() instanceof TrustedProxiesSource connector))
            return forwarded.customize(request, responseHeaders);
        PeerCredentials peer = UnixSocketCustomizer.peerOf(request.getConnectionMetaData().getConnection().getEndPoint());
        if (peer != null && connector.getTrustedProxies().evaluate(peer).allowed())
            return applyForwarded(request, responseHeaders);
        return request;
    }

    private Request applyForwarded(Request request, HttpFields.Mutable responseHeaders)
    {
        SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
        if (remote instanceof InetSocketAddress)
            return forwarded.customize(request, responseHeaders);
        Request seen = new RemoteAddressRequest(request, NO_IP_ADDRESS);
        Request customized = forwarded.customize(seen, responseHeaders);
        if (customized == seen)
            return request;
        // Without a forwarded client, the customized request reports what it was given: the placeholder.
        SocketAddress client = customized.getConnectionMetaData().getRemoteSocketAddress();
        return new RemoteAddressRequest(customized, client == NO_IP_ADDRESS ? remote : client);
    }

    /** A request whose connection reports another remote address. */
    private static final class RemoteAddressRequest extends Request.Wrapper
    {
        private final ConnectionMetaData connection;

        RemoteAddressRequest(Request request, SocketAddress remote)
        {
            super(request);
            this.connection = new ConnectionMetaData.Wrapper(request.getConnectionMetaData())
            {
                @Override
                public SocketAddress getRemoteSocketAddress()
                {
                    return remote;
                }
            };
        }

        @Override
        public ConnectionMetaData getConnectionMetaData()
        {
            return connection;
        }
    }
}
