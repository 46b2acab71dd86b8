package io.github.unixhttp.connector;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.Function;

import io.github.unixhttp.core.PeerCredentials;
import io.github.unixhttp.core.PeerProcess;
import io.github.unixhttp.connector.internal.limits.RequestPermit;
import io.github.unixhttp.connector.internal.policy.ProxiedAddresses;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpStream;
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
    /**
     * Per request, at most two small objects: the request wrapper that carries the credentials (which also wraps the
     * stream), and the stream wrapper that ends the exchange; a third, the permit, where the caller limits limit
     * requests. Jetty's {@code Request.addCompletionListener} and {@code AttributesWrapper} over {@code
     * Attributes.Synthetic} cost six, some 200 bytes per request.
     */
    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders)
    {
        EndPoint connectionEndPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        UnixSocketEndPoint endPoint = UnixSocketEndPoint.unwrap(connectionEndPoint);
        if (endPoint == null)
            return request;
        ProxiedAddresses.requireLiterals(connectionEndPoint);
        UnixSocketConnector connector = request.getConnectionMetaData().getConnector() instanceof UnixSocketConnector unix ? unix : null;
        PeerCredentials peer = endPoint.getPeerCredentials();
        if (peer == null)
        {
            if (connector != null)
            {
                endPoint.exchangeStarted(connector);
                request.addHttpStreamWrapper(stream -> new ExchangeEnd(stream, connector, endPoint, null));
            }
            return request;
        }
        // Limits tell callers apart by their credentials: a connector that reads none limits no requests.
        RequestPermit permit = connector == null ? null : connector.callerLedger().admitRequest(endPoint, peer);
        PeerRequest peerRequest = new PeerRequest(request, peer, connector, endPoint, permit);
        if (connector != null)
        {
            endPoint.exchangeStarted(connector);
            request.addHttpStreamWrapper(peerRequest);
        }
        // Jetty answers the exception's status without running any handler; the stream wrapper just added gives the
        // answer its Retry-After (see RefusedExchange).
        if (permit != null && permit.isRefused())
            throw permit.refusal();
        return peerRequest;
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

    /**
     * The request as handlers see it: the peer's credentials as synthetic attributes. Reading them costs nothing; the
     * first change to the attributes (or a look at all of them) makes the {@link PeerAttributes} layer that handles
     * changes exactly as Jetty's synthetic attributes do, and from then on everything goes through it. Also wraps the
     * request's stream, so that the end of the exchange is counted (see the endpoint's exchange count).
     */
    private static final class PeerRequest extends Request.Wrapper implements Function<HttpStream, HttpStream>
    {
        private static final AtomicReferenceFieldUpdater<PeerRequest, PeerAttributes> LAYER =
            AtomicReferenceFieldUpdater.newUpdater(PeerRequest.class, PeerAttributes.class, "layer");

        private final PeerCredentials peer;
        private final UnixSocketConnector connector;
        private final UnixSocketEndPoint endPoint;
        /** {@code null} if requests are not limited. */
        private final RequestPermit permit;
        private volatile PeerAttributes layer;

        PeerRequest(Request request, PeerCredentials peer, UnixSocketConnector connector, UnixSocketEndPoint endPoint,
                    RequestPermit permit)
        {
            super(request);
            this.peer = peer;
            this.connector = connector;
            this.endPoint = endPoint;
            this.permit = permit;
        }

        @Override
        public HttpStream apply(HttpStream stream)
        {
            return permit != null && permit.isRefused() ? new RefusedExchange(stream, connector, endPoint, permit)
                : new ExchangeEnd(stream, connector, endPoint, permit);
        }

        private PeerAttributes layer()
        {
            PeerAttributes current = layer;
            if (current != null)
                return current;
            LAYER.compareAndSet(this, null, new PeerAttributes(getWrapped(), peer));
            return layer;
        }

        @Override
        public Object getAttribute(String name)
        {
            PeerAttributes current = layer;
            if (current != null)
                return current.getAttribute(name);
            Object synthetic = PeerAttributes.synthetic(peer, name);
            return synthetic != null ? synthetic : super.getAttribute(name);
        }

        @Override
        public Object setAttribute(String name, Object attribute)
        {
            return layer().setAttribute(name, attribute);
        }

        @Override
        public Object removeAttribute(String name)
        {
            return layer().removeAttribute(name);
        }

        @Override
        public Set<String> getAttributeNameSet()
        {
            return layer().getAttributeNameSet();
        }

        @Override
        public Map<String, Object> asAttributeMap()
        {
            return layer().asAttributeMap();
        }

        @Override
        public void clearAttributes()
        {
            layer().clearAttributes();
        }
    }

    /**
     * Counts the end of an exchange before the stream completes, as Jetty's completion listeners are run, and gives
     * back the request's place among its caller's requests in flight. Jetty completes every stream it made, through
     * one of these two, however the exchange ended: a response sent, a handler failure, an HTTP/2 reset, a
     * connection closed under it.
     */
    private static class ExchangeEnd extends HttpStream.Wrapper
    {
        private final UnixSocketConnector connector;
        private final UnixSocketEndPoint endPoint;
        /** {@code null} if requests are not limited; its release counts once, however often it is called. */
        private final RequestPermit permit;

        ExchangeEnd(HttpStream stream, UnixSocketConnector connector, UnixSocketEndPoint endPoint, RequestPermit permit)
        {
            super(stream);
            this.connector = connector;
            this.endPoint = endPoint;
            this.permit = permit;
        }

        @Override
        public void succeeded()
        {
            try
            {
                ended();
            }
            finally
            {
                super.succeeded();
            }
        }

        @Override
        public void failed(Throwable failure)
        {
            try
            {
                ended();
            }
            finally
            {
                super.failed(failure);
            }
        }

        private void ended()
        {
            try
            {
                endPoint.exchangeEnded(connector);
            }
            finally
            {
                if (permit != null)
                    permit.release();
            }
        }
    }

    /**
     * The stream of a request refused over its caller's limits: its answer, Jetty's error response for the status the
     * customizer threw, gets a {@code Retry-After}. Jetty's error response drops the headers a customizer set before
     * it threw, and prepares its own through the stream: this is where a header reaches it, in HTTP/1 and HTTP/2.
     */
    private static final class RefusedExchange extends ExchangeEnd
    {
        private final RequestPermit refusal;

        RefusedExchange(HttpStream stream, UnixSocketConnector connector, UnixSocketEndPoint endPoint, RequestPermit refusal)
        {
            super(stream, connector, endPoint, refusal);
            this.refusal = refusal;
        }

        @Override
        public void prepareResponse(HttpFields.Mutable headers)
        {
            refusal.addRetryAfter(headers);
            super.prepareResponse(headers);
        }
    }

    private static final class PeerAttributes extends Attributes.Synthetic
    {
        private static final String[] FIELD_ATTRIBUTES = {PeerCredentials.PID_ATTRIBUTE, PeerCredentials.UID_ATTRIBUTE,
            PeerCredentials.GID_ATTRIBUTE, PeerCredentials.GROUPS_ATTRIBUTE, PeerCredentials.USER_ATTRIBUTE,
            PeerCredentials.GROUP_ATTRIBUTE, PeerProcess.ATTRIBUTE, PeerProcess.EXECUTABLE_ATTRIBUTE, PeerProcess.UNIT_ATTRIBUTE,
            PeerProcess.CGROUP_ATTRIBUTE};

        private final PeerCredentials peer;

        PeerAttributes(Attributes request, PeerCredentials peer)
        {
            super(request);
            this.peer = peer;
        }

        static Object synthetic(PeerCredentials peer, String name)
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
                case PeerProcess.ATTRIBUTE -> peer.process();
                case PeerProcess.EXECUTABLE_ATTRIBUTE -> peer.process() == null || peer.process().executable() == null
                    ? null : peer.process().executable().toString();
                case PeerProcess.UNIT_ATTRIBUTE -> peer.process() == null ? null : peer.process().unit();
                case PeerProcess.CGROUP_ATTRIBUTE -> peer.process() == null ? null : peer.process().cgroup();
                default -> null;
            };
        }

        @Override
        protected Object getSyntheticAttribute(String name)
        {
            return synthetic(peer, name);
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
