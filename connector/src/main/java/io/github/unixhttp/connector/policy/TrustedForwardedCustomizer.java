package io.github.unixhttp.connector.policy;

import io.github.unixhttp.connector.credentials.PeerCredentials;
import io.github.unixhttp.connector.credentials.PeerCredentialsCustomizer;
import org.eclipse.jetty.http.HttpFields;
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
 * <p>{@code UnixSocketConnector} puts one in place of each plain {@code ForwardedRequestCustomizer} it finds in
 * its HTTP configurations.</p>
 */
public class TrustedForwardedCustomizer implements HttpConfiguration.Customizer
{
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

    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders)
    {
        if (!(request.getConnectionMetaData().getConnector() instanceof TrustedProxiesSource connector))
            return forwarded.customize(request, responseHeaders);
        PeerCredentials peer = PeerCredentialsCustomizer.peerOf(request.getConnectionMetaData().getConnection().getEndPoint());
        if (peer != null && connector.getTrustedProxies().evaluate(peer).allowed())
            return forwarded.customize(request, responseHeaders);
        return request;
    }
}
