package io.github.unixhttp.connector.internal;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.EventListener;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.github.unixhttp.core.PeerCredentials;
import io.github.unixhttp.core.internal.nativeedge.NativeEdge;
import io.github.unixhttp.core.internal.nativeedge.PeerCredentialsReader;
import io.github.unixhttp.core.internal.platform.Platform;
import io.github.unixhttp.connector.credentials.PeerListener;
import io.github.unixhttp.connector.internal.limits.CallerLedger;
import io.github.unixhttp.connector.internal.policy.RefusalConnection;
import io.github.unixhttp.connector.limits.CallerLimits;
import io.github.unixhttp.connector.internal.policy.RefusalLog;
import io.github.unixhttp.connector.policy.PeerPolicy;
import io.github.unixhttp.connector.policy.Verdict;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, once per accepted connection, what serves it: a refusal for a peer the policy does not admit, the
 * connector's default protocol for trusted proxies (and everyone, when no PROXY protocol comes first), or the
 * protocol after a leading {@code ProxyConnectionFactory} for peers whose PROXY header must not be believed; and,
 * for a peer over its caller's connection limit, a 503 (see {@link CallerLedger}). A refused connection is answered
 * only while its user has few enough refused connections waiting; beyond, it is closed at once. Listeners hear of
 * every verdict of the policy. It also reads, at accept, the credentials it decides on. Made at each start from the
 * connector's settings.
 */
public final class PeerGate
{
    private static final Logger LOG = LoggerFactory.getLogger(PeerGate.class);

    private final Connector connector;
    private final PeerPolicy policy;
    private final PeerPolicy trustedProxies;
    private final PeerCredentialsReader reader;
    private final Supplier<List<EventListener>> listeners;
    private final LongAdder refused;
    private final RefusalLog refusals = new RefusalLog();
    private final ConnectionFactory defaultFactory;
    /** For peers that are not trusted proxies: the factory after a leading ProxyConnectionFactory, else null. */
    private final ConnectionFactory untrustedPeerFactory;
    private final Executor executor;
    private final CallerLedger callers;

    /**
     * @param connector the connector the connections are made for, as Jetty's factories need it; named in the log
     * @param factories the factories that serve: the default protocol's, and the one after a leading PROXY protocol
     * @param reader reads the peers' credentials, or {@code null} if they are not read: see {@link #credentialsReader}
     * @param listeners the connector's event listeners as they are at each verdict: the {@link PeerListener}s among
     *                  them hear of it
     * @param refused counts refused connections across starts
     * @param callers what each caller holds, with the limits of this start
     */
    public PeerGate(Connector connector, ServingFactories factories, PeerPolicy policy, PeerPolicy trustedProxies,
                    PeerCredentialsReader reader, Supplier<List<EventListener>> listeners, LongAdder refused,
                    CallerLedger callers)
    {
        this.connector = connector;
        this.policy = policy;
        this.trustedProxies = trustedProxies;
        this.reader = reader;
        this.listeners = listeners;
        this.refused = refused;
        this.defaultFactory = factories.defaultFactory();
        this.untrustedPeerFactory = factories.afterLeadingProxy();
        this.executor = connector.getExecutor();
        this.callers = callers;
        warnOfUnknownNames(connector, "peer policy", policy);
        warnOfUnknownNames(connector, "trusted proxies", trustedProxies);
    }

    /**
     * Checks that the peer policy can work with what is read of the peers, at the connector's start, and says what
     * reads them: the credentials, and each peer's process too when the policy decides by it or {@code readProcess}
     * asks for it (attributes, logs).
     *
     * @param read whether the connector reads the peers' credentials
     * @param readProcess whether the connector was asked to read the peers' processes
     * @param policy the policy that applies, given or by default
     * @param given whether the policy was given (for an abstract name the default admits only the server's user)
     * @param limits the caller limits that apply, given or by default
     * @param limitsGiven whether the limits were given: the defaults apply only where credentials are read
     * @return what reads the credentials, or {@code null} if they are not read
     * @throws IllegalStateException if the policy or the limits need credentials that will not be read, or processes
     *         that cannot be read here (the layer, the kernel, the JVM's flags), saying what to change: a policy never
     *         runs without what it decides by, nor limits without what tells their callers apart
     */
    public static PeerCredentialsReader credentialsReader(boolean read, boolean readProcess, PeerPolicy policy, boolean given,
                                                          CallerLimits limits, boolean limitsGiven, Object connector)
    {
        if (!read && limitsGiven && !limits.isNone())
            throw new IllegalStateException("Caller limits (" + limits + ") tell callers apart by the peers' credentials: " +
                "do not turn off readPeerCredentials, or set CallerLimits.none(), on " + connector);
        boolean processes = readProcess || policy.needsProcess() || limits.needsProcess();
        if (processes)
        {
            String why = NativeEdge.whyNoPeerProcess();
            String what = policy.needsProcess() ? "The peer policy (" + policy + ") decides by the calling program"
                : limits.needsProcess() ? "The caller limits (" + limits + ") tell callers apart by their program"
                : "readPeerProcess asks for the calling program";
            if (why != null)
                throw new IllegalStateException(what + ", and " + why + ". Use user and group rules here, on " + connector);
            if (!read)
                throw new IllegalStateException(what + ", which is read with the peers' credentials: do not turn off " +
                    "readPeerCredentials on " + connector);
            return new PeerProcessReading(credentialsOnly(true, policy, given, connector), NativeEdge.peerProcessReader());
        }
        return credentialsOnly(read, policy, given, connector);
    }

    private static PeerCredentialsReader credentialsOnly(boolean read, PeerPolicy policy, boolean given, Object connector)
    {
        if (!read && policy != PeerPolicy.allowAll())
            throw new IllegalStateException(given
                ? "A peer policy needs the peers' credentials: do not turn off readPeerCredentials on " + connector
                : "An abstract name admits only this server's user unless given a peer policy, and that needs the peers' " +
                    "credentials: keep readPeerCredentials on, or set PeerPolicy.allowAll() to admit every local user, on " + connector);
        if (read && !NativeEdge.readsPeerCredentials() && policy != PeerPolicy.allowAll())
            throw new IllegalStateException("A peer policy (" + policy + ") needs the peers' credentials, and the JDK on " +
                Platform.current().os() + " reads none: set PeerPolicy.allowAll() on " + connector + " and let the socket " +
                "directory's access control decide who may connect");
        return read ? NativeEdge.peerCredentialsReader() : null;
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
     * @return the credentials of the peer that connected through {@code channel}, as the kernel recorded them at
     *         {@code connect(2)}; {@code null} if they are not read
     */
    public PeerCredentials readCredentials(SocketChannel channel) throws IOException
    {
        return reader == null ? null : reader.read(channel);
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
                tell(listener -> listener.onRefused(peer, verdict.reason()));
                refusals.refused(connector, peer, verdict.reason(), policy);
                return callers.holdRefused(endPoint, peer) ? new RefusalConnection(endPoint, executor)
                    : RefusalConnection.closeAtOnce(endPoint, executor);
            }
            CallerLedger.Admission admission = callers.admit(endPoint, peer);
            if (admission != CallerLedger.Admission.SERVE)
            {
                String reason = "over the per-caller connection limit (" + callers.limits() + ")";
                tell(listener -> listener.onRefusedOverLimit(peer, reason));
                return admission == CallerLedger.Admission.ANSWER_OVER_LIMIT
                    ? new RefusalConnection(endPoint, executor, RefusalConnection.Answer.OVER_CONNECTION_LIMIT)
                    : RefusalConnection.closeAtOnce(endPoint, executor);
            }
        }
        try
        {
            if (peer != null)
                tell(listener -> listener.onAccepted(peer));
            ConnectionFactory factory = untrustedPeerFactory;
            if (factory == null || (peer != null && trustedProxies.evaluate(peer).allowed()))
                factory = defaultFactory;
            return factory.newConnection(connector, endPoint);
        }
        catch (RuntimeException | Error failure)
        {
            // Jetty closes the channel without ever opening the endpoint, whose close would give back what it holds.
            callers.closed(endPoint);
            throw failure;
        }
    }

    private void tell(Consumer<PeerListener> call)
    {
        for (EventListener listener : listeners.get())
        {
            if (listener instanceof PeerListener peerListener)
                call.accept(peerListener);
        }
    }
}
