package io.github.unixhttp.connector;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.EventListener;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.concurrent.atomic.LongAdder;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.core.PeerCredentials;
import io.github.unixhttp.connector.credentials.PeerListener;
import io.github.unixhttp.connector.internal.AcceptingSocket;
import io.github.unixhttp.connector.internal.HttpConfigurationCheck;
import io.github.unixhttp.connector.internal.ServingFactories;
import io.github.unixhttp.core.internal.ListeningSocket;
import io.github.unixhttp.connector.internal.ListeningSockets;
import io.github.unixhttp.connector.internal.PeerGate;
import io.github.unixhttp.connector.internal.ServingGate;
import io.github.unixhttp.core.internal.nativeedge.NativeEdge;
import io.github.unixhttp.core.internal.platform.Platform;
import io.github.unixhttp.core.internal.nativeedge.PeerCredentialsReader;
import io.github.unixhttp.connector.policy.PeerPolicy;
import io.github.unixhttp.connector.policy.TrustedProxiesSource;
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
import org.eclipse.jetty.util.annotation.Name;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A Jetty {@link org.eclipse.jetty.server.Connector} serving HTTP (HTTP/1.1, and HTTP/2 cleartext when an
 * {@code HTTP2CServerConnectionFactory} is added) over a Unix stream socket: at a file system path, on a Linux abstract
 * name, or handed over by a supervisor, as its {@link UnixSocketAddress} says. It runs on the JDK's Unix socket
 * channels and Jetty's own selector and {@code SocketChannelEndPoint}.
 *
 * <pre>{@code
 * Server server = new Server();
 * UnixSocketConnector connector = new UnixSocketConnector(server);
 * connector.setSocketPath(Path.of("/run/app/app.sock"));
 * connector.setSocketFile(SocketFileOptions.builder().mode(SocketFileMode.parse("0660")).group("www-data").build());
 * connector.setPeerPolicy(PeerPolicy.builder().allowUser("www-data").build());
 * server.addConnector(connector);
 * }</pre>
 *
 * <p>What it adds over Jetty's {@code UnixDomainServerConnector}: a safe socket file ({@link SocketFileOptions}: its
 * mode and group in place before any client can reach it, nothing clobbered, dead sockets handled, concurrent starters
 * serialized by a lock file {@code <path>.lock}, the path removed on stop only if still ours, takeovers without a
 * failed request); each peer's {@linkplain PeerCredentials credentials}, read once at accept, on which the {@linkplain
 * #setPeerPolicy peer policy} admits or refuses it (a refused peer gets 403 and no handler runs) and which requests
 * carry as attributes (through the {@link UnixSocketCustomizer} each HTTP configuration it serves has: {@link
 * #newHttpConfiguration()} makes one, and a plain {@code HttpConnectionFactory} given without it is served by a copy
 * over such a configuration, see {@link #getConnectionFactory(String)}); PROXY protocol and forwarded headers believed only from {@linkplain
 * #setTrustedProxies trusted proxies}; a graceful stop that lets busy connections finish. It never changes the HTTP
 * configurations it is given: they may be shared with TCP connectors.</p>
 *
 * <p>With zero acceptors (the default) new connections are accepted by the selector when they are ready, and no
 * thread blocks in {@code accept(2)}. The socket listens from the connector's start, but connections are accepted only
 * once its {@link Server} has started (until then they wait in the backlog), and a graceful stop serves what is queued
 * there before it closes the socket. Linux only, for now: elsewhere the start is refused, saying so.</p>
 */
@ManagedObject("HTTP over a Unix socket file")
public class UnixSocketConnector extends AbstractConnector implements TrustedProxiesSource
{
    /** The listen backlog used unless {@link #setAcceptQueueSize(int)} says otherwise. */
    public static final int DEFAULT_ACCEPT_QUEUE_SIZE = 1024;

    private final UnixSocketSelectorManager selectorManager;
    private final GracefulStop gracefulStop = new GracefulStop(this);
    private final ServingGate servingGate = new ServingGate(this::acceptInSelectorIfNoAcceptors);
    private final CopyOnWriteArrayList<PeerListener> peerListeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<SocketReplacedListener> replacedListeners = new CopyOnWriteArrayList<>();
    private final LongAdder refusedConnections = new LongAdder();
    /** Counted for {@link #acceptQueuedThenClose()}: its connections are open when as many more are. */
    private final LongAdder openedEndPoints = new LongAdder();
    /** At most this long for the selectors to open what a stop accepted from the backlog (normally microseconds). */
    private static final int QUEUED_OPEN_WAIT_SECONDS = 2;
    private UnixSocketAddress address;
    private SocketFileOptions socketFile = SocketFileOptions.DEFAULTS;
    private volatile SocketReplacement replacement;
    private int acceptQueueSize = DEFAULT_ACCEPT_QUEUE_SIZE;
    private int acceptedReceiveBufferSize;
    private int acceptedSendBufferSize;
    private boolean readPeerCredentials = true;
    /** {@code null}: not set, see {@link #getPeerPolicy()}. */
    private PeerPolicy peerPolicy;
    private PeerPolicy trustedProxies;
    private PeerCredentialsReader peerCredentialsReader;
    private PeerGate peerGate;
    /** While started: the factories that serve, copies for configurations that lack the customizer. */
    private volatile ServingFactories servingFactories;
    private volatile AcceptingSocket accepting;
    /** Closing takes the socket atomically: a takeover's drain and a stop may close at the same time. */
    private static final AtomicReferenceFieldUpdater<UnixSocketConnector, AcceptingSocket> ACCEPTING =
        AtomicReferenceFieldUpdater.newUpdater(UnixSocketConnector.class, AcceptingSocket.class, "accepting");
    private volatile SocketAddress localAddress;

    /**
     * A connector accepting in the selector (no acceptor threads), with Jetty's default selector count, serving
     * HTTP/1.1 with {@link #newHttpConfiguration()} unless other factories are given.
     */
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
        installBean(selectorManager, true);
    }

    /**
     * A configuration fit for Unix sockets, for connection factories of your own: see {@link
     * #newHttpConfiguration(HttpConfiguration)}.
     */
    public static HttpConfiguration newHttpConfiguration()
    {
        return newHttpConfiguration(new HttpConfiguration());
    }

    /**
     * A copy of {@code base} (say, the configuration a framework made for its TCP connector) fit for Unix sockets;
     * {@code base} itself is not changed. The copy has a {@link UnixSocketCustomizer}; a {@code ForwardedRequestCustomizer}
     * of base's is wrapped in a {@link io.github.unixhttp.connector.policy.TrustedForwardedCustomizer}, so that its
     * headers are believed from trusted proxies only; and unless base has a server authority, it is {@code
     * localhost}, which requests without a {@code Host} header (HTTP/1.0) report: a Unix socket has no host name,
     * and clients such as curl address it as {@code localhost}.
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

    /**
     * @param address where to listen: {@link UnixSocketAddress#ofPath a socket file}, {@link
     *                UnixSocketAddress#ofAbstractName a Linux abstract name}, or {@link UnixSocketAddress#inherited a
     *                socket a supervisor passed}
     */
    public void setAddress(UnixSocketAddress address)
    {
        checkNotStarted();
        this.address = Objects.requireNonNull(address, "address");
    }

    /**
     * @return the socket file, or {@code null} if the connector listens on an abstract name or an inherited socket
     */
    public Path getSocketPath()
    {
        return address == null ? null : address.path();
    }

    /**
     * Same as {@code setAddress(UnixSocketAddress.ofPath(socketPath))}, for Jetty XML and bean-style configuration.
     *
     * @param socketPath the socket file to listen on; at most {@value UnixSocketAddress#MAX_PATH_BYTES} bytes, in an existing directory
     */
    public void setSocketPath(Path socketPath)
    {
        setAddress(UnixSocketAddress.ofPath(socketPath));
    }

    /**
     * The name Jetty's {@code UnixDomainServerConnector} gives {@link #setSocketPath}, so that code written for it
     * needs only the class swapped.
     */
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
     * Same as {@code setAddress(UnixSocketAddress.parse(socket))}: the socket as configuration files and command lines
     * give it.
     *
     * @param socket a file system path such as {@code /run/app/app.sock}, or {@code @name} for a Linux abstract name
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
     * @param socketFile the socket file's mode and group, what to do with a dead socket at the path, whether to bind
     *                   in a directory others could tamper with, and takeovers; default {@link SocketFileOptions#DEFAULTS}.
     *                   Only a socket at a path has a file: on another address a mode, group or takeover fails the start
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

    /**
     * @param acceptQueueSize the listen backlog; default {@value #DEFAULT_ACCEPT_QUEUE_SIZE}, capped by the kernel at
     *                        {@code net.core.somaxconn}; 0 or less means the JDK default (50)
     */
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

    /**
     * @param size SO_RCVBUF for accepted sockets in bytes; 0 (the default) keeps the kernel default
     */
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

    /**
     * @param size SO_SNDBUF for accepted sockets in bytes; 0 (the default) keeps the kernel default
     */
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
     * @param read whether to read each peer's credentials at accept (the default), for the request attributes
     *             {@link PeerCredentials} documents, the peer policy and the trusted-proxy check. Turning it off
     *             saves two system calls per connection and requires the allow-all peer policy.
     */
    public void setReadPeerCredentials(boolean read)
    {
        checkNotStarted();
        this.readPeerCredentials = read;
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
     * @param peerPolicy who may connect, decided at accept from the peer's credentials; a refused peer gets
     *                   {@code 403 Forbidden} that does not say why, the log says who and why (rate-limited), and no
     *                   handler runs. Default: {@link PeerPolicy#allowAll()} for a socket file or an inherited
     *                   socket (the file mode decides); for an abstract name, which every local user can reach,
     *                   {@link PeerPolicy#sameUser()} (give {@code PeerPolicy.allowAll()} to open it to everyone).
     *                   On top of the file mode, and the only access control an abstract socket has.
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
     * @param trustedProxies the peers (e.g. {@code PeerPolicy.builder().allowUser("www-data").build()} for nginx) whose
     *                       PROXY protocol header and {@code Forwarded}/{@code X-Forwarded-*} headers are believed.
     *                       From others, the PROXY protocol is not parsed (its header is then a bad request) and the
     *                       headers are ignored. Default: only peers running as this server's own user.
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

    /**
     * Adds a {@link PeerListener} (told of each accepted and refused peer), a {@link SocketReplacedListener} (told
     * when another server took the path over), as well as any other Jetty listener.
     */
    @Override
    public boolean addEventListener(EventListener listener)
    {
        // Jetty calls this again when it registers the listener as a bean: add once.
        if (listener instanceof PeerListener peerListener)
            peerListeners.addIfAbsent(peerListener);
        if (listener instanceof SocketReplacedListener replacedListener)
            replacedListeners.addIfAbsent(replacedListener);
        return super.addEventListener(listener);
    }

    @Override
    public boolean removeEventListener(EventListener listener)
    {
        if (listener instanceof PeerListener peerListener)
            peerListeners.remove(peerListener);
        if (listener instanceof SocketReplacedListener replacedListener)
            replacedListeners.remove(replacedListener);
        return super.removeEventListener(listener);
    }

    /**
     * The factory serving {@code protocol}: the one given, or while started, for a plain {@code HttpConnectionFactory}
     * whose configuration lacks the {@link UnixSocketCustomizer}, the copy that serves in its place (see {@link
     * #newHttpConfiguration()}; the configuration given is not changed).
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

    /**
     * @return the address clients connect to, {@code unix:}-style, or {@code null} while not started
     */
    public SocketAddress getLocalSocketAddress()
    {
        return localAddress;
    }

    @Override
    public Object getTransport()
    {
        AcceptingSocket current = accepting;
        return current == null ? null : current.listening().channel();
    }

    @Override
    protected void doStart() throws Exception
    {
        PeerPolicy policy = getPeerPolicy();
        if (!readPeerCredentials && policy != PeerPolicy.allowAll())
            throw new IllegalStateException(peerPolicy == null
                ? "An abstract name admits only this server's user unless given a peer policy, and that needs the peers' " +
                    "credentials: keep readPeerCredentials on, or set PeerPolicy.allowAll() to admit every local user, on " + this
                : "A peer policy needs the peers' credentials: do not turn off readPeerCredentials on " + this);
        if (readPeerCredentials && !NativeEdge.readsPeerCredentials() && policy != PeerPolicy.allowAll())
            throw new IllegalStateException("A peer policy (" + policy + ") needs the peers' credentials, and the JDK on " +
                Platform.current().os() + " reads none: set PeerPolicy.allowAll() on " + this + " and let the socket " +
                "directory's access control decide who may connect");
        try
        {
            servingFactories = ServingFactories.of(getConnectionFactories(), this);
            peerGate = new PeerGate(this, policy, getTrustedProxies(), peerListeners, refusedConnections);
            getBeans(SelectorManager.SelectorManagerListener.class).forEach(selectorManager::addEventListener);
            peerCredentialsReader = readPeerCredentials ? NativeEdge.peerCredentialsReader() : null;
            ListeningSocket opened = ListeningSockets.open(address, socketFile, acceptQueueSize, getAcceptors(), this);
            accepting = new AcceptingSocket(opened, this::accepted);
            localAddress = opened.localAddress();
            // Supervisors may hand over a non-blocking socket; acceptor threads need a blocking one.
            opened.channel().configureBlocking(getAcceptors() > 0);
            super.doStart();
            // Listening from now on, serving only once the server has started (see ServingGate).
            servingGate.arm(getServer());
            replacement = SocketReplacement.start(this, opened, replacedListeners);
        }
        catch (Throwable failure)
        {
            // Nothing of this start is left behind: the socket, the factory copies, the wait for the server.
            servingGate.disarm();
            closeListeningSocket();
            stopServingFactories();
            throw failure;
        }
    }

    @Override
    protected void doStop() throws Exception
    {
        servingGate.disarm();
        SocketReplacement current = replacement;
        if (current != null)
            current.stop();
        super.doStop();
        closeListeningSocket();
        stopServingFactories();
        getBeans(SelectorManager.SelectorManagerListener.class).forEach(selectorManager::removeEventListener);
    }

    /**
     * Begins a graceful stop: the listening socket refuses new connections, the connections the kernel had already
     * queued in its backlog are accepted and served (closing would reset them: a failed request for a proxy), and
     * then it is closed (and its file removed if still ours). A client connecting from now on is refused rather than
     * served and cannot prolong the stop. A connection with no request in progress gets the {@linkplain
     * #getShutdownIdleTimeout shutdown idle timeout}, one with a request in progress keeps its idle timeout until its
     * response is complete (see {@link GracefulStop}). With acceptor threads, or where new connections cannot be refused
     * first (not Linux), the socket is closed at once; an inherited socket is left to its supervisor, whose backlog
     * keeps what is queued for the next instance.
     */
    @Override
    public CompletableFuture<Void> shutdown()
    {
        try
        {
            acceptQueuedThenClose();
        }
        catch (IOException | RuntimeException failure)
        {
            LOG.warn("Closing the listening socket of {} at the start of its stop: {}", this, failure.toString());
        }
        Map<EndPoint, Long> busy = gracefulStop.beforeJettyShortensIdleTimeouts(getConnectedEndPoints());
        CompletableFuture<Void> done = super.shutdown();
        gracefulStop.keepBusyConnectionsPatient(busy);
        return done;
    }

    /** Called by the {@link UnixSocketCustomizer} when a request's head has been parsed. */
    void exchangeStarted(UnixSocketEndPoint endPoint)
    {
        gracefulStop.exchangeStarted(endPoint);
    }

    /** Called by the {@link UnixSocketCustomizer} when a response is complete. */
    void exchangeEnded(UnixSocketEndPoint endPoint)
    {
        gracefulStop.exchangeEnded(endPoint);
    }

    /** Accepts on an acceptor thread (with one or more acceptors). */
    @Override
    protected void accept(int acceptorID) throws IOException
    {
        if (!servingGate.awaitOpen(this::isRunning))
            return;
        AcceptingSocket current = accepting;
        SocketChannel channel = current == null ? null : current.acceptOnThread(() -> isRunning() && !isShutdown());
        if (channel != null)
            accepted(channel);
    }

    /**
     * Stops or resumes taking new connections (Jetty's graceful shutdown stops them first). With zero acceptors
     * this removes or restores the selector's interest in the listening socket.
     */
    @Override
    public void setAccepting(boolean accepting)
    {
        super.setAccepting(accepting);
        AcceptingSocket current = this.accepting;
        if (getAcceptors() > 0 || !isStarted() || current == null || !servingGate.isOpen())
            return;
        if (accepting)
            current.acceptInSelector(selectorManager.selectorForAccepting(), getScheduler());
        else
            current.stopAcceptingInSelector();
    }

    private void acceptInSelectorIfNoAcceptors()
    {
        AcceptingSocket current = accepting;
        if (getAcceptors() == 0 && current != null && isAccepting())
            current.acceptInSelector(selectorManager.selectorForAccepting(), getScheduler());
    }

    /** For the drain after a takeover: see {@link AcceptingSocket#acceptWhatIsLeft()}. */
    void acceptWhatIsLeft()
    {
        AcceptingSocket current = accepting;
        if (current != null)
            current.acceptWhatIsLeft();
    }

    /** See {@link #shutdown()}: the queued connections are handed to the selectors before the socket closes. */
    private void acceptQueuedThenClose() throws IOException
    {
        AcceptingSocket current = accepting;
        if (current != null && getAcceptors() == 0 && current.listening().refuseNewConnections())
        {
            long opened = openedEndPoints.sum();
            int queued = current.acceptWhatIsLeft();
            // Jetty's shutdown is done once no endpoint is open: these must be open by then, or they would be cut.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(QUEUED_OPEN_WAIT_SECONDS);
            while (openedEndPoints.sum() < opened + queued && System.nanoTime() < deadline)
            {
                try
                {
                    Thread.sleep(1);
                }
                catch (InterruptedException interrupted)
                {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        closeListeningSocket();
    }

    private void stopServingFactories()
    {
        ServingFactories serving = servingFactories;
        servingFactories = null;
        if (serving != null)
            serving.stop();
    }

    private void closeListeningSocket() throws IOException
    {
        AcceptingSocket current = ACCEPTING.getAndSet(this, null);
        if (current != null)
            current.close();
    }

    /** Called by the selector manager and the acceptors with each accepted connection. */
    void accepted(SocketChannel channel) throws IOException
    {
        channel.configureBlocking(false);
        configure(channel);
        selectorManager.accept(channel);
    }

    /**
     * Applies socket options to an accepted channel; override to set more. Unix sockets have no TCP_NODELAY.
     */
    protected void configure(SocketChannel channel) throws IOException
    {
        if (acceptedReceiveBufferSize > 0)
            channel.setOption(StandardSocketOptions.SO_RCVBUF, acceptedReceiveBufferSize);
        if (acceptedSendBufferSize > 0)
            channel.setOption(StandardSocketOptions.SO_SNDBUF, acceptedSendBufferSize);
    }

    /**
     * Creates the endpoint of an accepted connection, reading the peer's credentials; override to return a subclass.
     */
    protected EndPoint newEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key) throws IOException
    {
        PeerCredentials peer = peerCredentialsReader == null ? null : peerCredentialsReader.read(channel);
        UnixSocketEndPoint endPoint = new UnixSocketEndPoint(channel, selector, key, getScheduler(), localAddress, peer);
        endPoint.setIdleTimeout(getIdleTimeout());
        return endPoint;
    }

    /**
     * Admits or refuses the peer, then creates the connection that serves it (see {@link #setPeerPolicy} and
     * {@link #setTrustedProxies}).
     */
    protected Connection newConnection(EndPoint endPoint)
    {
        return peerGate.newConnection(endPoint, UnixSocketCustomizer.peerOf(endPoint));
    }

    /**
     * Creates the manager of this connector's selectors; override to return a subclass, as with Jetty's
     * {@code ServerConnector.newSelectorManager}.
     */
    protected UnixSocketSelectorManager newSelectorManager(Executor executor, Scheduler scheduler, int selectors)
    {
        return new UnixSocketSelectorManager(this, executor, scheduler, selectors);
    }

    /** jnr's channels (abstract names without the JDK path) register only with jnr's selector. */
    boolean needsNativeSelector()
    {
        AcceptingSocket current = accepting;
        return current != null && current.listening().needsNativeSelector();
    }

    void endPointOpened(EndPoint endPoint)
    {
        openedEndPoints.increment();
        onEndPointOpened(endPoint);
    }

    void endPointClosed(EndPoint endPoint)
    {
        onEndPointClosed(endPoint);
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
