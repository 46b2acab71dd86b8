package io.github.unixhttp.connector;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.EventListener;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import io.github.unixhttp.connector.binding.SocketFileMode;
import io.github.unixhttp.connector.binding.StaleSocketPolicy;
import io.github.unixhttp.connector.credentials.PeerCredentials;
import io.github.unixhttp.connector.credentials.PeerListener;
import io.github.unixhttp.connector.internal.AcceptBackoff;
import io.github.unixhttp.connector.internal.HttpConfigurationCheck;
import io.github.unixhttp.connector.internal.ListeningSocket;
import io.github.unixhttp.connector.internal.ListeningSockets;
import io.github.unixhttp.connector.internal.PeerGate;
import io.github.unixhttp.connector.internal.SelectorAcceptor;
import io.github.unixhttp.connector.internal.binding.SocketFileSettings;
import io.github.unixhttp.connector.internal.nativeedge.NativeEdge;
import io.github.unixhttp.connector.internal.nativeedge.PeerCredentialsReader;
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
 * name, or handed over by a supervisor, as its {@link UnixSocketAddress} says.
 *
 * <p>It runs on the JDK's Unix socket channels and Jetty's own selector and {@code SocketChannelEndPoint}. What it
 * adds over Jetty's {@code UnixDomainServerConnector} is a safe socket file:</p>
 * <ul>
 *   <li>the {@linkplain #setFileMode file mode} and {@linkplain #setFileGroup group} are in place before any client
 *   can reach the path: the socket is bound in a private directory and hard-linked into place;</li>
 *   <li>nothing is ever clobbered: a file that is not a socket, or a socket a live server listens on, fails the
 *   start with a message saying what to do; a dead socket (left by {@code kill -9}) is removed or not as the
 *   {@linkplain #setStaleSocketPolicy stale-socket policy} says;</li>
 *   <li>concurrent starters on one path are serialized by a lock file {@code <path>.lock}, kept beside the socket;</li>
 *   <li>on stop the path is removed only if it is still the socket this connector created;</li>
 *   <li>a new server can {@linkplain #setTakeover take the path over} from a running one of the same user without a
 *   failed request: it publishes its socket in one step once started, and the old one, which looks at its path a
 *   few times a second, drains and stops ({@link SocketReplacedListener}, {@link WhenReplaced}).</li>
 * </ul>
 *
 * <pre>{@code
 * Server server = new Server();
 * UnixSocketConnector connector = new UnixSocketConnector(server);
 * connector.setSocketPath(Path.of("/run/app/app.sock"));
 * connector.setFileMode(SocketFileMode.parse("0660"));
 * connector.setFileGroup("www-data");
 * server.addConnector(connector);
 * }</pre>
 *
 * <p>Each peer's {@linkplain PeerCredentials credentials} are read once, at accept; the {@linkplain #setPeerPolicy peer
 * policy} admits or refuses the peer there (a refused peer gets 403 and no handler runs), {@link PeerListener}s are
 * told, and requests carry the credentials as attributes (through the {@link UnixSocketCustomizer} each HTTP
 * configuration it serves must have; {@link #newHttpConfiguration()} makes one that has). PROXY protocol and
 * forwarded headers are believed only from {@linkplain #setTrustedProxies trusted proxies}. The connector never
 * changes the HTTP configurations it is given: they may be shared with TCP connectors.</p>
 *
 * <p>With zero acceptors (the default) new connections are accepted by the selector when they are ready, and no
 * thread blocks in {@code accept(2)}.</p>
 */
@ManagedObject("HTTP over a Unix socket file")
public class UnixSocketConnector extends AbstractConnector implements TrustedProxiesSource
{
    /** The listen backlog used unless {@link #setAcceptQueueSize(int)} says otherwise. */
    public static final int DEFAULT_ACCEPT_QUEUE_SIZE = 1024;
    /** How often a connector with a socket file looks whether its path was taken over, unless set otherwise. */
    public static final long DEFAULT_REPLACEMENT_CHECK_INTERVAL_MILLIS = 200;

    private final UnixSocketSelectorManager selectorManager;
    private final GracefulStop gracefulStop = new GracefulStop(this);
    private final AtomicReference<SelectorAcceptor> selectorAcceptor = new AtomicReference<>();
    private final CopyOnWriteArrayList<PeerListener> peerListeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<SocketReplacedListener> replacedListeners = new CopyOnWriteArrayList<>();
    private final LongAdder refusedConnections = new LongAdder();
    private UnixSocketAddress address;
    private SocketFileMode fileMode;
    private String fileGroup;
    private StaleSocketPolicy staleSocketPolicy = StaleSocketPolicy.REMOVE;
    private boolean allowUnsafeDirectory;
    private boolean takeover;
    private WhenReplaced whenReplaced = WhenReplaced.STOP_SERVER;
    private long replacementCheckInterval = DEFAULT_REPLACEMENT_CHECK_INTERVAL_MILLIS;
    private volatile SocketReplacement replacement;
    private int acceptQueueSize = DEFAULT_ACCEPT_QUEUE_SIZE;
    private int acceptedReceiveBufferSize;
    private int acceptedSendBufferSize;
    private boolean readPeerCredentials = true;
    private PeerPolicy peerPolicy = PeerPolicy.allowAll();
    private PeerPolicy trustedProxies;
    private PeerCredentialsReader peerCredentialsReader;
    private PeerGate peerGate;
    private volatile AcceptBackoff acceptBackoff;
    private volatile ListeningSocket listening;
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

    @ManagedAttribute("The socket file's permission bits in octal, or null to keep what the umask gives")
    public SocketFileMode getFileMode()
    {
        return fileMode;
    }

    /**
     * @param fileMode the socket file's permission bits, in place before any client can connect, e.g.
     *                 {@code SocketFileMode.parse("0660")}; {@code null} (the default) keeps what the process umask gives
     */
    public void setFileMode(SocketFileMode fileMode)
    {
        checkNotStarted();
        this.fileMode = fileMode;
    }

    @ManagedAttribute("The socket file's group (name or gid), or null to keep the process's group")
    public String getFileGroup()
    {
        return fileGroup;
    }

    /**
     * @param fileGroup the socket file's group as a name or a numeric gid, in place before any client can connect;
     *                  the process must be root or a member of it. {@code null} (the default) keeps the process's group
     */
    public void setFileGroup(String fileGroup)
    {
        checkNotStarted();
        this.fileGroup = fileGroup;
    }

    @ManagedAttribute("What to do with a dead socket found at the path: REMOVE or FAIL")
    public StaleSocketPolicy getStaleSocketPolicy()
    {
        return staleSocketPolicy;
    }

    /**
     * @param staleSocketPolicy what to do with a socket at the path that nothing listens on: {@link StaleSocketPolicy#REMOVE}
     *                          (the default) or {@link StaleSocketPolicy#FAIL}; anything else is never touched
     */
    public void setStaleSocketPolicy(StaleSocketPolicy staleSocketPolicy)
    {
        checkNotStarted();
        this.staleSocketPolicy = Objects.requireNonNull(staleSocketPolicy, "staleSocketPolicy");
    }

    @ManagedAttribute("Whether a socket directory other users could replace the socket in is accepted (with a warning)")
    public boolean isAllowUnsafeDirectory()
    {
        return allowUnsafeDirectory;
    }

    /**
     * By default the connector refuses to bind where a user other than root and its own could replace the socket
     * file: in a directory, or below a directory, that such a user owns or may write to without the sticky bit
     * (say a 0777 directory). Whoever can do that can move the live socket away, bind their own at the path, and
     * receive this server's clients' requests, passwords and tokens included. Allow it only if every user who can
     * write there is trusted; a warning is logged at each start.
     *
     * @param allowUnsafeDirectory whether to bind in such a directory anyway (default {@code false})
     */
    public void setAllowUnsafeDirectory(boolean allowUnsafeDirectory)
    {
        checkNotStarted();
        this.allowUnsafeDirectory = allowUnsafeDirectory;
    }

    @ManagedAttribute("Whether a start takes the path over from a live server of the same user")
    public boolean isTakeover()
    {
        return takeover;
    }

    /**
     * Zero-downtime restarts on one path. With takeover on, a start that finds a live server at the socket path
     * takes the path over instead of failing as in use, if the kernel says that server runs as this process's user
     * (never another user's server, never a file that is not a socket). This connector's socket is bound privately,
     * and replaces the old one at the path in one step only once the {@link Server} has started, so that a server
     * failing to start never takes the path; the old server then drains and stops (see {@link SocketReplacedListener}).
     * A start that finds no live server binds as usual. If another server took the path while this one was starting
     * (a second takeover won), {@code Server.start()} fails with an {@link java.io.UncheckedIOException} whose cause
     * is a {@link io.github.unixhttp.connector.binding.SocketBindException} ({@code IN_USE}), and the path is left to it;
     * Jetty then marks the server failed but leaves what started running: call {@code server.stop()}. Several takeover
     * connectors on one server publish one by one: if a later one loses, the earlier ones have already taken their
     * paths.
     *
     * @param takeover whether to take the path over from a live server of this user (default {@code false})
     */
    public void setTakeover(boolean takeover)
    {
        checkNotStarted();
        this.takeover = takeover;
    }

    /** @return what this connector does once drained after another server took its path over */
    @ManagedAttribute("What this connector does once drained after its path was taken over: STOP_SERVER, STOP_CONNECTOR or NOTHING")
    public WhenReplaced getWhenReplaced()
    {
        return whenReplaced;
    }

    /**
     * @param whenReplaced what to do once drained after another server took the path over: stop the server (the
     *                     default), stop this connector only, or nothing beyond the drain (a {@link SocketReplacedListener} decides).
     *                     May be changed while running; the drain reads it when it ends. Applies to every connector
     *                     with a socket file, not only takeover ones: the old server of a takeover need not have been
     *                     started with takeover on. Only another socket of this server's user at the path counts as a
     *                     takeover; anything else there is logged and this server goes on serving.
     */
    public void setWhenReplaced(WhenReplaced whenReplaced)
    {
        this.whenReplaced = Objects.requireNonNull(whenReplaced, "whenReplaced");
    }

    /** @return how often the socket path is looked at for a takeover, in milliseconds */
    @ManagedAttribute("How often the socket path is looked at for a takeover, in milliseconds")
    public long getReplacementCheckInterval()
    {
        return replacementCheckInterval;
    }

    /**
     * @param millis how often a connector with a socket file looks whether its path now names another socket
     *               (default {@value #DEFAULT_REPLACEMENT_CHECK_INTERVAL_MILLIS}); each look is one {@code lstat}, on
     *               Jetty's scheduler thread. Once replaced, the connector also keeps accepting for this long before
     *               it takes what is left in its backlog and stops (clients that looked the path up just before the
     *               takeover reach it meanwhile). The drain then waits for open connections up to the server's stop
     *               timeout, or 30 s when that is 0 (Jetty's default).
     */
    public void setReplacementCheckInterval(long millis)
    {
        checkNotStarted();
        if (millis <= 0)
            throw new IllegalArgumentException("The replacement check interval must be positive: " + millis);
        this.replacementCheckInterval = millis;
    }

    /** @return whether another server took the socket path over from this connector (it then drains) */
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
        return peerPolicy;
    }

    /**
     * @param peerPolicy who may connect, decided at accept from the peer's credentials; a refused peer gets
     *                   {@code 403 Forbidden} that does not say why, the log says who and why (rate-limited), and no
     *                   handler runs. Default: {@link PeerPolicy#allowAll()}.
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
        ListeningSocket current = listening;
        return current == null ? null : current.channel();
    }

    @Override
    protected void doStart() throws Exception
    {
        if (!readPeerCredentials && peerPolicy != PeerPolicy.allowAll())
            throw new IllegalStateException("A peer policy needs the peers' credentials: do not turn off readPeerCredentials on " + this);
        getConnectionFactories().forEach(factory -> HttpConfigurationCheck.check(factory, this));
        peerGate = new PeerGate(this, peerPolicy, getTrustedProxies(), peerListeners, refusedConnections);
        getBeans(SelectorManager.SelectorManagerListener.class).forEach(selectorManager::addEventListener);
        peerCredentialsReader = readPeerCredentials ? NativeEdge.peerCredentialsReader() : null;
        SocketFileSettings file = new SocketFileSettings(fileMode, fileGroup, staleSocketPolicy, allowUnsafeDirectory, takeover);
        ListeningSocket opened = ListeningSockets.open(address, file, acceptQueueSize, getAcceptors(), this);
        listening = opened;
        acceptBackoff = new AcceptBackoff(opened);
        localAddress = opened.localAddress();
        try
        {
            // Supervisors may hand over a non-blocking socket; acceptor threads need a blocking one.
            opened.channel().configureBlocking(getAcceptors() > 0);
            super.doStart();
            if (getAcceptors() == 0)
                registerSelectorAcceptor();
            replacement = SocketReplacement.start(this, opened, replacedListeners);
        }
        catch (Throwable failure)
        {
            closeListeningSocket();
            throw failure;
        }
    }

    @Override
    protected void doStop() throws Exception
    {
        SocketReplacement current = replacement;
        if (current != null)
            current.stop();
        super.doStop();
        closeSelectorAcceptor();
        closeListeningSocket();
        getBeans(SelectorManager.SelectorManagerListener.class).forEach(selectorManager::removeEventListener);
    }

    /**
     * Begins a graceful stop: the listening socket is closed (and its file removed if still ours) so that a client
     * connecting from now on is refused rather than served and cannot prolong the stop; a connection with no request
     * in progress gets the {@linkplain #getShutdownIdleTimeout shutdown idle timeout}, one with a request in progress
     * keeps its idle timeout until its response is complete (see {@link GracefulStop}).
     */
    @Override
    public CompletableFuture<Void> shutdown()
    {
        closeSelectorAcceptor();
        try
        {
            closeListeningSocket();
        }
        catch (IOException | RuntimeException failure)
        {
            LOG.warn("Closing the listening socket of {} at the start of its stop: {}", this, failure.toString());
        }
        gracefulStop.beforeJettyShortensIdleTimeouts(getConnectedEndPoints());
        CompletableFuture<Void> done = super.shutdown();
        gracefulStop.keepBusyConnectionsPatient(getConnectedEndPoints());
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
        SocketChannel channel = acceptBackoff.acceptOnThread(listening, () -> isRunning() && !isShutdown());
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
        if (getAcceptors() > 0 || !isStarted())
            return;
        if (accepting)
            registerSelectorAcceptor();
        else
            closeSelectorAcceptor();
    }

    private void registerSelectorAcceptor()
    {
        ListeningSocket current = listening;
        if (current == null || selectorAcceptor.get() != null)
            return;
        SelectorAcceptor acceptor = new SelectorAcceptor(selectorManager.selectorForAccepting(), current, this::accepted,
            getScheduler(), acceptBackoff);
        if (selectorAcceptor.compareAndSet(null, acceptor))
            acceptor.start();
    }

    private void closeSelectorAcceptor()
    {
        SelectorAcceptor acceptor = selectorAcceptor.getAndSet(null);
        if (acceptor != null)
            acceptor.close();
    }

    /**
     * For the drain after a takeover: stops accepting in the selector, then accepts, on the calling thread, what is
     * still in the backlog, so that the socket is closed with nothing queued. Acceptor threads take connections as
     * they come until the socket closes.
     */
    void acceptWhatIsLeft()
    {
        SelectorAcceptor acceptor = selectorAcceptor.getAndSet(null);
        if (acceptor != null)
            acceptor.closeAndAcceptWhatIsLeft();
    }

    private void closeListeningSocket() throws IOException
    {
        ListeningSocket current = listening;
        listening = null;
        if (current != null)
            current.close();
    }

    private void accepted(SocketChannel channel) throws IOException
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
        return new UnixSocketSelectorManager(executor, scheduler, selectors);
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

    /**
     * The selectors of a {@link UnixSocketConnector}: Jetty's, handing accepted channels, endpoints and connections
     * to the connector's {@code accepted}, {@link #newEndPoint} and {@link #newConnection}.
     */
    protected class UnixSocketSelectorManager extends SelectorManager
    {
        protected UnixSocketSelectorManager(Executor executor, Scheduler scheduler, int selectors)
        {
            super(executor, scheduler, selectors);
        }

        ManagedSelector selectorForAccepting()
        {
            return chooseSelector();
        }

        @Override
        protected void accepted(SelectableChannel channel) throws IOException
        {
            UnixSocketConnector.this.accepted((SocketChannel)channel);
        }

        /** jnr's channels (abstract names) register only with jnr's selector. */
        @Override
        protected Selector newSelector() throws IOException
        {
            ListeningSocket current = listening;
            return current != null && current.needsNativeSelector() ? NativeEdge.openNativeSelector() : super.newSelector();
        }

        @Override
        protected EndPoint newEndPoint(SelectableChannel channel, ManagedSelector selector, SelectionKey key) throws IOException
        {
            return UnixSocketConnector.this.newEndPoint((SocketChannel)channel, selector, key);
        }

        @Override
        public Connection newConnection(SelectableChannel channel, EndPoint endPoint, Object attachment)
        {
            return UnixSocketConnector.this.newConnection(endPoint);
        }

        /**
         * The connection is open: its first request, usually there already, is served on this thread. Final: the
         * endpoint holds its first fill interest until this releases it, so an override that did not call it would
         * leave every connection waiting for its idle timeout.
         */
        @Override
        public final void connectionOpened(Connection connection, Object context)
        {
            super.connectionOpened(connection, context);
            if (connection.getEndPoint() instanceof UnixSocketEndPoint endPoint)
                endPoint.opened();
        }

        @Override
        protected void endPointOpened(EndPoint endPoint)
        {
            super.endPointOpened(endPoint);
            onEndPointOpened(endPoint);
        }

        @Override
        protected void endPointClosed(EndPoint endPoint)
        {
            onEndPointClosed(endPoint);
            super.endPointClosed(endPoint);
        }
    }
}
