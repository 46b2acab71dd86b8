package io.github.unixhttp.connector;

import java.util.HashSet;
import java.util.Set;

import io.github.unixhttp.connector.credentials.PeerCredentials;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Attributes;

/**
 * What each request over a {@link UnixSocketConnector} needs, as {@code SecureRequestCustomizer} is what requests
 * over TLS need: the peer's credentials as the request attributes {@link PeerCredentials} documents, and a place in
 * the count of requests in progress per connection, which lets a graceful stop close idle connections soon without
 * cutting off a response being sent. Requests from other connectors pass through untouched, so a configuration
 * shared with TCP connectors may carry it.
 *
 * <p>{@link UnixSocketConnector#newHttpConfiguration()} (and a connector built without factories) includes one;
 * to serve with a configuration of your own, add it: {@code httpConfiguration.addCustomizer(new
 * UnixSocketCustomizer())}. The connector refuses to start on a configuration without it.</p>
 *
 * <p>From a Jetty {@code Handler}: {@code UnixSocketCustomizer.peerOf(request)} or
 * {@code request.getAttribute(PeerCredentials.UID_ATTRIBUTE)}; from a servlet: {@code request.getAttribute(...)}.</p>
 */
public class UnixSocketCustomizer implements HttpConfiguration.Customizer
{
    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders)
    {
        UnixSocketEndPoint endPoint = UnixSocketEndPoint.unwrap(request.getConnectionMetaData().getConnection().getEndPoint());
        if (endPoint == null)
            return request;
        if (request.getConnectionMetaData().getConnector() instanceof UnixSocketConnector connector)
        {
            connector.exchangeStarted(endPoint);
            Request.addCompletionListener(request, failure -> connector.exchangeEnded(endPoint));
        }
        PeerCredentials peer = endPoint.getPeerCredentials();
        return peer == null ? request : new Request.AttributesWrapper(request, new PeerAttributes(request, peer));
    }

    /**
     * @return the credentials of the peer that sent the request, or {@code null} if it did not come over a Unix
     *         socket connector that reads them
     */
    public static PeerCredentials peerOf(Request request)
    {
        Object attribute = request.getAttribute(PeerCredentials.ATTRIBUTE);
        if (attribute instanceof PeerCredentials peer)
            return peer;
        return peerOf(request.getConnectionMetaData().getConnection().getEndPoint());
    }

    /**
     * @return the credentials read when the endpoint's connection was accepted, looking through wrapping
     *         endpoints such as the PROXY protocol's; {@code null} if none were read
     */
    public static PeerCredentials peerOf(EndPoint endPoint)
    {
        UnixSocketEndPoint unixEndPoint = UnixSocketEndPoint.unwrap(endPoint);
        return unixEndPoint == null ? null : unixEndPoint.getPeerCredentials();
    }

    private static final class PeerAttributes extends Attributes.Synthetic
    {
        private static final String[] FIELD_ATTRIBUTES = {PeerCredentials.PID_ATTRIBUTE, PeerCredentials.UID_ATTRIBUTE,
            PeerCredentials.GID_ATTRIBUTE, PeerCredentials.GROUPS_ATTRIBUTE, PeerCredentials.USER_ATTRIBUTE,
            PeerCredentials.GROUP_ATTRIBUTE};

        private final PeerCredentials peer;

        PeerAttributes(Attributes request, PeerCredentials peer)
        {
            super(request);
            this.peer = peer;
        }

        @Override
        protected Object getSyntheticAttribute(String name)
        {
            return switch (name)
            {
                case PeerCredentials.ATTRIBUTE -> peer;
                case PeerCredentials.PID_ATTRIBUTE -> peer.knows(PeerCredentials.Field.PID) ? peer.pid() : null;
                case PeerCredentials.UID_ATTRIBUTE -> peer.knows(PeerCredentials.Field.UID) ? peer.uid() : null;
                case PeerCredentials.GID_ATTRIBUTE -> peer.knows(PeerCredentials.Field.GID) ? peer.gid() : null;
                case PeerCredentials.GROUPS_ATTRIBUTE -> peer.knows(PeerCredentials.Field.GROUPS) ? peer.groups() : null;
                case PeerCredentials.USER_ATTRIBUTE -> peer.userName();
                case PeerCredentials.GROUP_ATTRIBUTE -> peer.groupName();
                default -> null;
            };
        }

        @Override
        protected Set<String> getSyntheticNameSet()
        {
            Set<String> names = new HashSet<>();
            names.add(PeerCredentials.ATTRIBUTE);
            for (String name : FIELD_ATTRIBUTES)
            {
                if (getSyntheticAttribute(name) != null)
                    names.add(name);
            }
            return names;
        }
    }
}
