package io.github.unixhttp.connector;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;

import io.github.unixhttp.connector.internal.AcceptingSocket;
import io.github.unixhttp.connector.internal.HttpConfigurationCheck;
import io.github.unixhttp.connector.internal.JettyCallOrder;
import io.github.unixhttp.connector.internal.ListeningSockets;
import io.github.unixhttp.connector.internal.PeerGate;
import io.github.unixhttp.connector.internal.ServingFactories;
import io.github.unixhttp.connector.internal.limits.CallerLedger;
import io.github.unixhttp.connector.limits.CallerActivity;
import io.github.unixhttp.connector.limits.CallerLimits;
import io.github.unixhttp.connector.policy.PeerPolicy;
import io.github.unixhttp.connector.policy.TrustedProxiesSource;
import io.github.unixhttp.core.PeerCredentials;
import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.core.internal.ListeningSocket;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.annotation.Name;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A Jetty {@link org.eclipse.jetty.server.Connector} serving HTTP (HTTP/1.1, and h2c with an {@code
 * HTTP2CServerConnectionFactory}) over a Unix stream socket at a path, on a Linux abstract name, or handed over by a
 * supervisor ({@link UnixSocketAddress}), on the JDK's channels and Jetty's own selector and endpoint.
 *
 * <pre>{@code
 * UnixSocketConnector connector = new UnixSocketConnector(server);
 * connector.setSocketPath(Path.of("/run/app/app.sock"));
 * connector.setSocketFile(SocketFileOptions.builder().mode(SocketFileMode.parse("0660")).group("www-data").build());
 * connector.setPeerPolicy(PeerPolicy.builder().allowUser("www-data").build());
 * server.addConnector(connector);
 * }</pre>
 *
 * <p>Over Jetty's {@code UnixDomainServerConnector} it adds a safe socket file ({@link SocketFileOptions}: mode and
 * group in place before any client can connect, nothing clobbered, starters serialized by {@code <path>.lock}, the
 * path removed on stop only if still ours, takeovers); each peer's {@linkplain PeerCredentials credentials}, read at
 * accept, on which the {@linkplain #setPeerPolicy peer policy} admits it or answers 403, and which requests carry
 * through the {@link UnixSocketCustomizer} (see {@link #newHttpConfiguration()} and {@link #getConnectionFactory});
 * PROXY protocol and forwarded headers believed from {@linkplain #setTrustedProxies trusted proxies} only; a graceful
 * stop that serves the backlog and lets busy connections finish. The HTTP configurations given are never changed.
 * {@link io.github.unixhttp.connector.credentials.PeerListener}s and {@link SocketReplacedListener}s among its event
 * listeners are told of each peer, and of a takeover of the path.</p>
 *
 * <p>With zero acceptors (the default) the selector accepts connections when they are ready. The socket listens from
 * the connector's start; connections are accepted once its {@link Server} has started. On Linux with every feature; elsewhere (macOS,
 * Windows, the BSDs) on the portable layer, which refuses what it cannot do when it is configured (see the README's
 * platform table).</p>
 */
@ManagedObject("HTTP over a Unix socket file")
public class UnixSocketConnector extends AbstractConnector implements TrustedProxiesSource
{
    /** The listen backlog used unless {@link #setAcceptQueueSize(int)} says otherwise. */
    public static final int DEFAULT_ACCEPT_QUEUE_SIZE = 1024;

    private final UnixSocketSelectorManager selectorManager;
    private final LongAdder refusedConnections = new LongAdder();
    /** What each caller holds, across starts (its totals are JMX counters); enforces the limits of each start. */
    private final CallerLedger callers = new CallerLedger(this);
    private UnixSocketAddress address;
    private SocketFileOptions socketFile = SocketFileOptions.DEFAULTS;
    private int acceptQueueSize = DEFAULT_ACCEPT_QUEUE_SIZE;
    private int acceptedReceiveBufferSize;
    private int acceptedSendBufferSize;
    private boolean readPeerCredentials = true;
    private boolean readPeerProcess;
    private PeerPolicy peerPolicy; // null: not set, see getPeerPolicy()
    private PeerPolicy trustedProxies;
    private CallerLimits callerLimits; // null: not set, CallerLimits.DEFAULTS
    // Made by each start: the factories that serve, the gate that admits peers, the socket, the takeover's watch.
    private volatile ServingFactories servingFactories;
    private volatile PeerGate peerGate;
    private volatile AcceptingSocket accepting;
    private volatile SocketReplacement replacement;

    /** Accepting in the selector, with Jetty's default selector count; HTTP/1.1 with {@link #newHttpConfiguration()} unless given factories. */
    public UnixSocketConnector(@Name("server") Server server, @Name("factories") ConnectionFactory... factories)
    {
        this(server, 0, -1, factories);
    }

    /**
     * @param acceptors threads blocking in {@code accept(2)}; 0 accepts in the selector when a connection is ready
     * @param selectors selector threads; -1 for Jetty's default
     */
    public UnixSocketConnector(@Name("server") Server server, @Name("acceptors") int acceptors,
                               @Name("selectors") int selectors, @Name("factories") ConnectionFactory... factories)
    {
        this(server, null, null, null, acceptors, selectors, factories);
    }

    public UnixSocketConnector(@Name("server") Server server, @Name("executor") Executor executor,
                               @Name("scheduler") Scheduler scheduler, @Name("bufferPool") ByteBufferPool bufferPool,
                               @Name("acceptors") int acceptors, @Name("selectors") int selectors,
                               @Name("factories") ConnectionFactory... factories)
    {
        super(server, executor, scheduler, bufferPool, acceptors,
            factories.length > 0 ? factories : new ConnectionFactory[]{new HttpConnectionFactory(newHttpConfiguration())});
        selectorManager = newSelectorManager(getExecutor(), getScheduler(), selectors);
        selectorManager.reportEndPoints(this::onEndPointOpened, this::onEndPointClosed);
        installBean(selectorManager, true);
    }

    /** A configuration fit for Unix sockets, for factories of your own: see {@link #newHttpConfiguration(HttpConfiguration)}. */
    public static HttpConfiguration newHttpConfiguration()
    {
        return newHttpConfiguration(new HttpConfiguration());
    }

    /**
     * A copy of {@code base} (say, a framework's, made for its TCP connector) fit for Unix sockets; base is not
     * changed. The copy has a {@link UnixSocketCustomizer}; each {@code ForwardedRequestCustomizer} of base's is wrapped
     * in a {@link io.github.unixhttp.connector.policy.TrustedForwardedCustomizer} (headers believed from trusted proxies
     * only); unless base has a server authority it is {@code localhost}, which requests without {@code Host} report.
     */
    public static HttpConfiguration newHttpConfiguration(HttpConfiguration base)
    {
        return HttpConfigurationCheck.fitForUnixSockets(base);
    }

    @ManagedAttribute("Where the connector listens: a path, @name, or inherited")
    public UnixSocketAddress getAddress()
    {
        return address;
    }

    /** @param address where to listen: a socket file, a Linux abstract name, or a socket a supervisor passed */
    public void setAddress(UnixSocketAddress address)
    {
        checkNotStarted();
        this.address = Objects.requireNonNull(address, "address");
    }

    /** @return the socket file, or {@code null} if the connector listens on an abstract name or an inherited socket */
    public Path getSocketPath()
    {
        return address == null ? null : address.path();
    }

    /** {@code setAddress(UnixSocketAddress.ofPath(socketPath))}, for Jetty XML and bean-style configuration. */
    public void setSocketPath(Path socketPath)
    {
        setAddress(UnixSocketAddress.ofPath(socketPath));
    }

    /** The name Jetty's {@code UnixDomainServerConnector} gives {@link #setSocketPath}: code for it needs the class swapped only. */
    public void setUnixDomainPath(Path unixDomainPath)
    {
        setSocketPath(unixDomainPath);
    }

    /** The name Jetty's {@code UnixDomainServerConnector} gives {@link #getSocketPath()}. */
    public Path getUnixDomainPath()
    {
        return getSocketPath();
    }

    /**
     * {@code setAddress(UnixSocketAddress.parse(socket))}: a path such as {@code /run/app/app.sock}, or {@code @name}.
     *
     * @throws IllegalArgumentException if the text cannot name a socket, saying why and what to write instead
     */
    public void setSocket(String socket)
    {
        setAddress(UnixSocketAddress.parse(socket));
    }

    @ManagedAttribute("How the socket file is made and kept: mode, group, stale sockets, takeover")
    public SocketFileOptions getSocketFile()
    {
        return socketFile;
    }

    /**
     * @param socketFile how the socket file is made and kept; default {@link SocketFileOptions#DEFAULTS}. Only a path
     *                   has a file: on another address a mode, group or takeover fails the start
     */
    public void setSocketFile(SocketFileOptions socketFile)
    {
        checkNotStarted();
        this.socketFile = Objects.requireNonNull(socketFile, "socketFile");
    }

    @ManagedAttribute("Whether another server took the socket path over from this connector")
    public boolean isReplaced()
    {
        SocketReplacement current = replacement;
        return current != null && current.isReplaced();
    }

    @ManagedAttribute("The listen backlog: connections the kernel queues before they are accepted")
    public int getAcceptQueueSize()
    {
        return acceptQueueSize;
    }

    /** @param acceptQueueSize the listen backlog, capped at {@code net.core.somaxconn}; 0 or less: the JDK's 50 */
    public void setAcceptQueueSize(int acceptQueueSize)
    {
        checkNotStarted();
        this.acceptQueueSize = acceptQueueSize;
    }

    @ManagedAttribute("SO_RCVBUF for accepted sockets, or 0 for the kernel default")
    public int getAcceptedReceiveBufferSize()
    {
        return acceptedReceiveBufferSize;
    }

    /** @param size SO_RCVBUF for accepted sockets in bytes; 0 (the default) keeps the kernel default */
    public void setAcceptedReceiveBufferSize(int size)
    {
        checkNotStarted();
        this.acceptedReceiveBufferSize = size;
    }

    @ManagedAttribute("SO_SNDBUF for accepted sockets, or 0 for the kernel default")
    public int getAcceptedSendBufferSize()
    {
        return acceptedSendBufferSize;
    }

    /** @param size SO_SNDBUF for accepted sockets in bytes; 0 (the default) keeps the kernel default */
    public void setAcceptedSendBufferSize(int size)
    {
        checkNotStarted();
        this.acceptedSendBufferSize = size;
    }

    @ManagedAttribute("Whether the peer's credentials are read at accept")
    public boolean isReadPeerCredentials()
    {
        return readPeerCredentials;
    }

    /**
     * @param read whether to read each peer's credentials at accept (the default), for the request attributes, the
     *             peer policy and the trusted-proxy check; off saves two system calls per connection, and needs the
     *             allow-all peer policy
     */
    public void setReadPeerCredentials(boolean read)
    {
        checkNotStarted();
        this.readPeerCredentials = read;
    }

    @ManagedAttribute("Whether the peer's process (executable, cgroup, systemd unit) is read at accept")
    public boolean isReadPeerProcess()
    {
        return readPeerProcess;
    }

    /**
     * @param read whether to read each peer's process at accept, through a pidfd (Linux 6.5+, the Linux layer), for
     *             the request attributes and logs; a peer policy with process rules reads it anyway. Off by default: it
     *             costs a few system calls and {@code /proc} reads per connection
     */
    public void setReadPeerProcess(boolean read)
    {
        checkNotStarted();
        this.readPeerProcess = read;
    }

    @ManagedAttribute("Who may connect, checked at accept on the peer's credentials")
    public PeerPolicy getPeerPolicy()
    {
        if (peerPolicy != null)
            return peerPolicy;
        // An abstract name has no file permissions: any local user could connect to it.
        return address != null && address.kind() == UnixSocketAddress.Kind.ABSTRACT_NAME ? PeerPolicy.sameUser() : PeerPolicy.allowAll();
    }

    /**
     * @param peerPolicy who may connect, on top of the file mode: a refused peer gets a {@code 403} that does not say
     *                   why (the log does, rate-limited) and no handler runs. Default: {@link PeerPolicy#allowAll()},
     *                   but for an abstract name, which every local user can reach, {@link PeerPolicy#sameUser()}
     */
    public void setPeerPolicy(PeerPolicy peerPolicy)
    {
        checkNotStarted();
        this.peerPolicy = Objects.requireNonNull(peerPolicy, "peerPolicy");
    }

    @Override
    @ManagedAttribute("Peers whose PROXY protocol and Forwarded headers are believed")
    public PeerPolicy getTrustedProxies()
    {
        return trustedProxies != null ? trustedProxies : PeerPolicy.sameUser();
    }

    /**
     * @param trustedProxies the peers (nginx's user, say) whose PROXY protocol and {@code Forwarded}/{@code
     *                       X-Forwarded-*} headers are believed; from others a PROXY header is a bad request and the
     *                       headers are ignored. Default: peers running as this server's user
     */
    public void setTrustedProxies(PeerPolicy trustedProxies)
    {
        checkNotStarted();
        this.trustedProxies = Objects.requireNonNull(trustedProxies, "trustedProxies");
    }

    @ManagedAttribute("Connections refused by the peer policy")
    public long getRefusedConnections()
    {
        return refusedConnections.sum();
    }

    @ManagedAttribute("How much one caller (a uid, or a uid and its program) may hold: connections, requests in flight, request rate")
    public CallerLimits getCallerLimits()
    {
        return callerLimits != null ? callerLimits : CallerLimits.DEFAULTS;
    }

    /**
     * @param callerLimits how many connections, requests in flight and requests a second one caller may have, and how
     *                     many of a user's refused connections wait for their answer at once. Over a limit, a
     *                     connection gets 503 and a request 429, each with a {@code Retry-After}, before any handler
     *                     runs. Default: {@link CallerLimits#DEFAULTS} (1024 connections per uid, 16 refused
     *                     connections waiting per uid); {@link CallerLimits#none()} turns them off. Limits by program
     *                     make the connector read the peers' processes
     */
    public void setCallerLimits(CallerLimits callerLimits)
    {
        checkNotStarted();
        this.callerLimits = Objects.requireNonNull(callerLimits, "callerLimits");
    }

    @ManagedAttribute("Connections refused (503, or closed) because their caller held as many as its limits allow")
    public long getConnectionsRefusedOverLimit()
    {
        return callers.connectionsRefused();
    }

    @ManagedAttribute("Requests refused (429) over their caller's limit of requests in flight or its request rate")
    public long getRequestsRefusedOverLimit()
    {
        return callers.requestsRefused();
    }

    @ManagedAttribute("Refused connections closed at once, unanswered: their user had as many waiting for an answer as allowed")
    public long getRefusedConnectionsClosedUnanswered()
    {
        return callers.closedUnanswered();
    }

    /**
     * @return what each caller holds now (while limits are set and credentials are read), ordered by caller: JMX shows
     *         it as the {@code callers} attribute, a line each
     */
    public List<CallerActivity> getCallerActivity()
    {
        return callers.activity();
    }

    /** The ledger the {@link UnixSocketCustomizer} admits requests through. */
    CallerLedger callerLedger()
    {
        return callers;
    }

    /**
     * The factory serving {@code protocol}: the one given, or while started, for a plain {@code HttpConnectionFactory}
     * whose configuration lacks the {@link UnixSocketCustomizer}, the copy that serves in its place.
     */
    @Override
    public ConnectionFactory getConnectionFactory(String protocol)
    {
        ServingFactories serving = servingFactories;
        ConnectionFactory factory = serving == null ? null : serving.forProtocol(protocol);
        return factory != null ? factory : super.getConnectionFactory(protocol);
    }

    @ManagedAttribute("The number of selector threads")
    public int getSelectors()
    {
        return selectorManager.getSelectorCount();
    }

    /** @return the manager of this connector's selectors, made by {@link #newSelectorManager} */
    public SelectorManager getSelectorManager()
    {
        return selectorManager;
    }

    /** @return the address clients connect to, {@code unix:}-style, or {@code null} while not started */
    public SocketAddress getLocalSocketAddress()
    {
        AcceptingSocket current = accepting;
        return current == null ? null : current.localAddress();
    }

    @Override
    public Object getTransport()
    {
        AcceptingSocket current = accepting;
        return current == null ? null : current.transport();
    }

    /** Opens the socket, lets Jetty start, then serves: the order {@code JettyCallOrder.start} explains. */
    @Override
    protected void doStart() throws Exception
    {
        JettyCallOrder.start(this::open, super::doStart, this::serve, this::close);
    }

    private void open() throws Exception
    {
        PeerPolicy policy = getPeerPolicy();
        CallerLimits limits = getCallerLimits();
        var reader = PeerGate.credentialsReader(readPeerCredentials, readPeerProcess, policy, peerPolicy != null, limits,
            callerLimits != null, this);
        // Without credentials every peer is one caller: the default limits would be one limit for all of them.
        callers.start(reader != null ? limits : CallerLimits.none(), getScheduler());
        servingFactories = ServingFactories.of(getConnectionFactories(), getDefaultProtocol(), this);
        peerGate = new PeerGate(this, servingFactories, policy, getTrustedProxies(), reader, this::getEventListeners,
            refusedConnections, callers);
        getBeans(SelectorManager.SelectorManagerListener.class).forEach(selectorManager::addEventListener);
        ListeningSocket opened = ListeningSockets.open(address, socketFile, acceptQueueSize, getAcceptors(), this);
        selectorManager.useNativeSelectors(opened.needsNativeSelector());
        accepting = new AcceptingSocket(opened, getAcceptors() > 0, this::accepted, selectorManager::selectorForAccepting,
            getScheduler(), this::isAccepting);
    }

    private void serve() throws IOException
    {
        accepting.serveOnceStarted(getServer());
        replacement = SocketReplacement.start(this, accepting, this::getEventListeners);
    }

    /** Stops serving, lets Jetty stop, then closes the socket: the order {@code JettyCallOrder.stop} explains. */
    @Override
    protected void doStop() throws Exception
    {
        JettyCallOrder.stop(this::stopServing, super::doStop, this::close);
    }

    private void stopServing()
    {
        AcceptingSocket current = accepting;
        if (current != null)
            current.stopServing();
        SocketReplacement takeover = replacement;
        if (takeover != null)
            takeover.stop();
    }

    private void close() throws IOException
    {
        ServingFactories serving = servingFactories;
        servingFactories = null;
        if (serving != null)
            serving.stop();
        getBeans(SelectorManager.SelectorManagerListener.class).forEach(selectorManager::removeEventListener);
        AcceptingSocket current = accepting;
        accepting = null;
        if (current != null)
            current.close();
    }

    /**
     * Begins a graceful stop: new connections are refused, those the kernel had queued are served, the socket closes
     * (its file removed if still ours); a connection with no request in progress gets the {@linkplain
     * #getShutdownIdleTimeout shutdown idle timeout}, one with a request in progress keeps its idle timeout until its
     * response is complete (on the portable layer new clients are kept out by removing the socket file first). With
     * acceptor threads, or where new connections cannot be refused first (an abstract name whose descriptor this JVM
     * may not reach), the socket closes at once; an inherited socket is left to its supervisor, whose backlog keeps what is queued.
     */
    @Override
    public CompletableFuture<Void> shutdown()
    {
        return JettyCallOrder.shutdown(accepting, selectorManager::openedEndPoints, this::getConnectedEndPoints,
            getShutdownIdleTimeout(), super::shutdown);
    }

    /** Accepts on an acceptor thread (with one or more acceptors), once the server has started. */
    @Override
    protected void accept(int acceptorID) throws IOException
    {
        AcceptingSocket current = accepting;
        if (current != null)
            current.acceptOnThread(this::isRunning, () -> isRunning() && !isShutdown());
    }

    /** Stops or resumes taking connections ({@code ConnectionLimit} calls it); with zero acceptors, in the selector. */
    @Override
    public void setAccepting(boolean accepting)
    {
        super.setAccepting(accepting);
        AcceptingSocket current = this.accepting;
        if (current != null && isStarted())
            current.setAccepting(accepting);
    }

    /** Hands an accepted connection, {@linkplain #configure configured}, to the selectors. */
    protected void accepted(SocketChannel channel) throws IOException
    {
        channel.configureBlocking(false);
        configure(channel);
        selectorManager.accept(channel);
    }

    /** Applies socket options to an accepted channel; override to set more. Unix sockets have no TCP_NODELAY. */
    protected void configure(SocketChannel channel) throws IOException
    {
        if (acceptedReceiveBufferSize > 0)
            channel.setOption(StandardSocketOptions.SO_RCVBUF, acceptedReceiveBufferSize);
        if (acceptedSendBufferSize > 0)
            channel.setOption(StandardSocketOptions.SO_SNDBUF, acceptedSendBufferSize);
    }

    /** Creates the endpoint of an accepted connection, reading the peer's credentials; override to return a subclass. */
    protected EndPoint newEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key) throws IOException
    {
        PeerCredentials peer = peerGate.readCredentials(channel);
        UnixSocketEndPoint endPoint = new UnixSocketEndPoint(channel, selector, key, getScheduler(), getLocalSocketAddress(), peer,
            VirtualThreads.isUseVirtualThreads(getExecutor()));
        endPoint.setIdleTimeout(getIdleTimeout());
        return endPoint;
    }

    /** Admits or refuses the peer, then makes the connection that serves it: see {@link #setPeerPolicy}, {@link #setTrustedProxies}. */
    protected Connection newConnection(EndPoint endPoint)
    {
        return peerGate.newConnection(endPoint, UnixSocketCustomizer.peerOf(endPoint));
    }

    /**
     * An endpoint closed: Jetty forgets it, and what its connection held of its caller's limits is given back. A
     * subclass that overrides this must call it.
     */
    @Override
    protected void onEndPointClosed(EndPoint endPoint)
    {
        try
        {
            callers.closed(endPoint);
        }
        finally
        {
            super.onEndPointClosed(endPoint);
        }
    }

    /** Creates the manager of this connector's selectors; override to return a subclass, as with {@code ServerConnector}'s. */
    protected UnixSocketSelectorManager newSelectorManager(Executor executor, Scheduler scheduler, int selectors)
    {
        return new UnixSocketSelectorManager(this, executor, scheduler, selectors);
    }

    private void checkNotStarted()
    {
        if (isStarted() || isStarting())
            throw new IllegalStateException("Cannot change " + this + " while it runs: stop it first");
    }

    @Override
    public String toString()
    {
        return String.format("%s@%x[unix:%s]", getClass().getSimpleName(), hashCode(), address == null ? "?" : address);
    }
}
