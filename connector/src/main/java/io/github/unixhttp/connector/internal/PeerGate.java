package io.github.unixhttp.connector.internal;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;

import io.github.unixhttp.core.PeerCredentials;
import io.github.unixhttp.connector.credentials.PeerListener;
import io.github.unixhttp.connector.internal.policy.RefusalConnection;
import io.github.unixhttp.connector.internal.policy.RefusalLog;
import io.github.unixhttp.connector.policy.PeerPolicy;
import io.github.unixhttp.connector.policy.Verdict;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ProxyConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, once per accepted connection, what serves it: a refusal for a peer the policy does not admit, the
 * connector's default protocol for trusted proxies (and everyone, when no PROXY protocol comes first), or the
 * protocol after a leading {@link ProxyConnectionFactory} for peers whose PROXY header must not be believed.
 * Listeners hear of every verdict. Made at each start from the connector's settings.
 */
public final class PeerGate
{
    private static final Logger LOG = LoggerFactory.getLogger(PeerGate.class);

    private final Connector connector;
    private final PeerPolicy policy;
    private final PeerPolicy trustedProxies;
    private final List<PeerListener> listeners;
    private final LongAdder refused;
    private final RefusalLog refusals = new RefusalLog();
    private final ConnectionFactory defaultFactory;
    /** For peers that are not trusted proxies: the factory after a leading ProxyConnectionFactory, else null. */
    private final ConnectionFactory untrustedPeerFactory;
    private final Executor executor;

    /**
     * @param listeners told of each verdict; a live list the connector keeps
     * @param refused counts refused connections across starts
     * @throws IllegalStateException if a PROXY protocol factory is followed by nothing
     */
    public PeerGate(Connector connector, PeerPolicy policy, PeerPolicy trustedProxies, List<PeerListener> listeners,
                    LongAdder refused)
    {
        this.connector = connector;
        this.policy = policy;
        this.trustedProxies = trustedProxies;
        this.listeners = listeners;
        this.refused = refused;
        this.defaultFactory = connector.getDefaultConnectionFactory();
        this.untrustedPeerFactory = untrustedPeerFactory(connector);
        this.executor = connector.getExecutor();
        warnOfUnknownNames(connector, "peer policy", policy);
        warnOfUnknownNames(connector, "trusted proxies", trustedProxies);
    }

    /** Once per start: a name that resolves to no one is usually a typo, and its rule admits no one. */
    private static void warnOfUnknownNames(Connector connector, String what, PeerPolicy policy)
    {
        List<String> unknown = policy.unknownNames();
        if (!unknown.isEmpty())
            LOG.warn("{}: the {} names {} that this system does not know: those rules admit no one until the names " +
                "exist (a typo? a uid or gid works for one that does not exist yet)", connector, what, String.join(", ", unknown));
    }

    /**
     * @param peer the peer's credentials, or {@code null} if they are not read (the policy then admits everyone)
     * @return the connection that serves the endpoint
     */
    public Connection newConnection(EndPoint endPoint, PeerCredentials peer)
    {
        if (peer != null)
        {
            Verdict verdict = policy.evaluate(peer);
            if (!verdict.allowed())
            {
                refused.increment();
                listeners.forEach(listener -> listener.onRefused(peer, verdict.reason()));
                refusals.refused(connector, peer, verdict.reason(), policy);
                return new RefusalConnection(endPoint, executor);
            }
            listeners.forEach(listener -> listener.onAccepted(peer));
        }
        ConnectionFactory factory = untrustedPeerFactory;
        if (factory == null || (peer != null && trustedProxies.evaluate(peer).allowed()))
            factory = defaultFactory;
        return factory.newConnection(connector, endPoint);
    }

    private static ConnectionFactory untrustedPeerFactory(Connector connector)
    {
        List<ConnectionFactory> factories = List.copyOf(connector.getConnectionFactories());
        if (factories.isEmpty() || !(factories.get(0) instanceof ProxyConnectionFactory))
            return null;
        if (factories.size() < 2)
            throw new IllegalStateException("Nothing follows the ProxyConnectionFactory on " + connector +
                ": add the protocol it hands over to, e.g. an HttpConnectionFactory");
        // The one that serves that protocol: a copy fit for Unix sockets, where the connector made one.
        return connector.getConnectionFactory(factories.get(1).getProtocol());
    }
}
