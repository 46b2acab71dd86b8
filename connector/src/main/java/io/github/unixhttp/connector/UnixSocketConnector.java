package io.github.unixhttp.connector;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EventListener;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import io.github.unixhttp.connector.internal.activation.SocketActivation;
import io.github.unixhttp.connector.internal.binding.SocketFileBinder;
import io.github.unixhttp.connector.binding.SocketFileMode;
import io.github.unixhttp.connector.internal.binding.SocketFileSettings;
import io.github.unixhttp.connector.internal.ListeningSockets;
import io.github.unixhttp.connector.binding.StaleSocketPolicy;
import io.github.unixhttp.connector.credentials.PeerCredentials;
import io.github.unixhttp.connector.credentials.PeerCredentialsCustomizer;
import io.github.unixhttp.connector.credentials.PeerListener;
import io.github.unixhttp.connector.internal.nativeedge.NativeEdge;
import io.github.unixhttp.connector.internal.nativeedge.PeerCredentialsReader;
import io.github.unixhttp.connector.policy.PeerPolicy;
import io.github.unixhttp.connector.internal.policy.RefusalConnection;
import io.github.unixhttp.connector.internal.policy.RefusalLog;
import io.github.unixhttp.connector.policy.TrustedForwardedCustomizer;
import io.github.unixhttp.connector.policy.TrustedProxiesSource;
import io.github.unixhttp.connector.policy.Verdict;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ProxyConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.HostPort;
import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;
import org.eclipse.jetty.util.thread.Scheduler;
import io.github.unixhttp.connector.internal.Http2Configurations;
import io.github.unixhttp.connector.internal.AcceptBackoff;
import io.github.unixhttp.connector.internal.ListeningSocket;
import io.github.unixhttp.connector.internal.ExchangeTracker;
import io.github.unixhttp.connector.internal.SelectorAcceptor;

/**
 * A Jetty {@link org.eclipse.jetty.server.Connector} serving HTTP (HTTP/1.1, and HTTP/2 cleartext when an
 * {@code HTTP2CServerConnectionFactory} is added) over a Unix stream socket at a file system path.
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
 *   <li>on stop the path is removed only if it is still the socket this connector created.</li>
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
 * told, and requests carry the credentials as attributes. PROXY protocol and forwarded headers are believed only
 * from {@linkplain #setTrustedProxies trusted proxies}.</p>
 *
 * <p>With zero acceptors (the default) new connections are accepted by the selector when they are ready, and no
 * thread blocks in {@code accept(2)}.</p>
 */
@ManagedObject("HTTP over a Unix socket file")
public class UnixSocketConnector extends AbstractConnector implements TrustedProxiesSource
{
    /** The listen backlog used unless {@link #setAcceptQueueSize(int)} says otherwise. */
    public static final int DEFAULT_ACCEPT_QUEUE_SIZE = 1024;

    private static final HostPort LOCALHOST = new HostPort("localhost");

    private final UnixSocketSelectorManager selectorManager;
    private final AtomicReference<SelectorAcceptor> selectorAcceptor = new AtomicReference<>();
    private UnixSocketAddress address;
    private SocketFileMode fileMode;
    private String fileGroup;
    private StaleSocketPolicy staleSocketPolicy = StaleSocketPolicy.REMOVE;
    private boolean allowUnsafeDirectory;
    private volatile AcceptBackoff acceptBackoff;
    private int acceptQueueSize = DEFAULT_ACCEPT_QUEUE_SIZE;
    private int acceptedReceiveBufferSize;
    private int acceptedSendBufferSize;
    private boolean readPeerCredentials = true;
    private PeerPolicy peerPolicy = PeerPolicy.allowAll();
    private PeerPolicy trustedProxies;
    private final LongAdder refusedConnections = new LongAdder();
    private final RefusalLog refusals = new RefusalLog();
    private final CopyOnWriteArrayList<PeerListener> peerListeners = new CopyOnWriteArrayList<>();
    private PeerCredentialsReader peerCredentialsReader;
    /** For peers that are not trusted proxies: the factory after a leading ProxyConnectionFactory, else null. */
    private ConnectionFactory untrustedPeerFactory;
    /** The idle timeout for connections that fall idle once a graceful stop began; -1 before that. */
    private volatile long stoppingIdleTimeout = -1;
    private volatile ListeningSocket listening;
    private volatile SocketAddress localAddress;

    /**
     * A connector accepting in the selector (no acceptor threads), with Jetty's default selector count, serving
     * HTTP/1.1 unless other factories are given.
     */
    public UnixSocketConnector(Server server, ConnectionFactory... factories)
    {
        this(server, 0, -1, factories);
    }

    /**
     * @param acceptors threads blocking in {@code accept(2)}; 0 accepts in the selector when a connection is ready
     * @param selectors selector threads; -1 for Jetty's default
     */
    public UnixSocketConnector(Server server, int acceptors, int selectors, ConnectionFactory... factories)
    {
        this(server, null, null, null, acceptors, selectors, factories);
    }

    public UnixSocketConnector(Server server, Executor executor, Scheduler scheduler, ByteBufferPool bufferPool,
                               int acceptors, int selectors, ConnectionFactory... factories)
    {
        super(server, executor, scheduler, bufferPool, acceptors,
            factories.length > 0 ? factories : new ConnectionFactory[]{new HttpConnectionFactory()});
        selectorManager = new UnixSocketSelectorManager(getExecutor(), getScheduler(), selectors);
        installBean(selectorManager, true);
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
     * @param socketPath the socket file to listen on; at most 107 bytes, in an existing directory
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
        return trustedProxies != null ? trustedProxies : SameUser.POLICY;
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
     * Adds a {@link PeerListener} (told of each accepted and refused peer) as well as any other Jetty listener.
     */
    @Override
    public boolean addEventListener(EventListener listener)
    {
        // Jetty calls this again when it registers the listener as a bean: add once.
        if (listener instanceof PeerListener peerListener)
            peerListeners.addIfAbsent(peerListener);
        return super.addEventListener(listener);
    }

    @Override
    public boolean removeEventListener(EventListener listener)
    {
        if (listener instanceof PeerListener peerListener)
            peerListeners.remove(peerListener);
        return super.removeEventListener(listener);
    }

    @ManagedAttribute("The number of selector threads")
    public int getSelectors()
    {
        return selectorManager.getSelectorCount();
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
        if (!readPeerCredentials && !(peerPolicy instanceof PeerPolicy.AllowAll))
            throw new IllegalStateException("A peer policy needs the peers' credentials: do not turn off readPeerCredentials on " + this);
        getBeans(SelectorManager.SelectorManagerListener.class).forEach(selectorManager::addEventListener);
        getConnectionFactories().forEach(this::prepareHttpConfiguration);
        untrustedPeerFactory = untrustedPeerFactory();
        stoppingIdleTimeout = -1;
        peerCredentialsReader = readPeerCredentials ? NativeEdge.peerCredentialsReader() : null;
        ListeningSocket opened = openListeningSocket();
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
        }
        catch (Throwable failure)
        {
            closeListeningSocket();
            throw failure;
        }
    }

    private ListeningSocket openListeningSocket() throws IOException
    {
        SocketFileSettings file = new SocketFileSettings(fileMode, fileGroup, staleSocketPolicy, allowUnsafeDirectory);
        return ListeningSockets.open(address, file, acceptQueueSize, getAcceptors(), this);
    }

    @Override
    protected void doStop() throws Exception
    {
        super.doStop();
        closeSelectorAcceptor();
        closeListeningSocket();
        getBeans(SelectorManager.SelectorManagerListener.class).forEach(selectorManager::removeEventListener);
    }

    /**
     * Begins a graceful stop: no new connections; a connection with no request in progress gets the shutdown idle
     * timeout (Jetty's default, 1 s) so that it closes soon, while one with a request in progress keeps its idle
     * timeout and closes when its response is complete. Jetty's own connectors shorten every connection's idle
     * timeout, which cuts off a response to a client that pauses reading for longer than that (a slow download,
     * a rate-limited {@code curl}), long before the server's stop timeout. Long-lived exchanges (server-sent
     * events, long polls, tunnels) therefore hold the stop until they end, their idle timeout expires or the
     * server's stop timeout runs out.
     */
    @Override
    public CompletableFuture<Void> shutdown()
    {
        stopListening();
        long forIdleConnections = getShutdownIdleTimeout();
        stoppingIdleTimeout = forIdleConnections;
        CompletableFuture<Void> done;
        // A negative value is Jetty's switch to leave idle timeouts alone; ours are applied below, to idle connections.
        setShutdownIdleTimeout(-1);
        try
        {
            done = super.shutdown();
        }
        finally
        {
            setShutdownIdleTimeout(forIdleConnections);
        }
        if (forIdleConnections >= 0)
        {
            for (EndPoint endPoint : getConnectedEndPoints())
            {
                UnixSocketEndPoint ours = UnixSocketEndPoint.unwrap(endPoint);
                if (ours != null && ours.isExchangeInProgress())
                    continue;
                endPoint.setIdleTimeout(forIdleConnections);
                // A request that began meanwhile may have restored the usual timeout just before this shortened it.
                if (ours != null && ours.isExchangeInProgress())
                    endPoint.setIdleTimeout(getIdleTimeout());
            }
        }
        return done;
    }

    /** Called by the {@link ExchangeTracker} when a request's head has been parsed. */
    public void exchangeStarted(UnixSocketEndPoint endPoint)
    {
        endPoint.exchangeStarted();
        // A request on a connection that the stop found idle (and shortened) is served with the usual patience.
        if (isShutdown())
            endPoint.setIdleTimeout(getIdleTimeout());
    }

    /** Called by the {@link ExchangeTracker} when a response is complete. */
    public void exchangeEnded(UnixSocketEndPoint endPoint)
    {
        if (!endPoint.exchangeEnded())
            return;
        long forIdleConnections = stoppingIdleTimeout;
        if (forIdleConnections >= 0 && isShutdown())
            endPoint.setIdleTimeout(forIdleConnections);
    }

    @Override
    protected void accept(int acceptorID) throws IOException
    {
        ListeningSocket current = listening;
        if (current == null)
            return;
        SocketChannel channel;
        try
        {
            channel = current.accept();
        }
        catch (ClosedChannelException closed)
        {
            // Closed by a graceful stop: the acceptor loop ends quietly at its next check.
            if (isShutdown() || !isRunning())
                return;
            throw closed;
        }
        catch (IOException failure)
        {
            if (!isRunning())
                throw failure;
            // Jetty's acceptor would log a stack trace and sleep 1 s per failure: pause as the selector acceptor does.
            pauseAcceptorThread(acceptBackoff.failed(failure));
            return;
        }
        acceptBackoff.succeeded();
        accepted(channel);
    }

    private static void pauseAcceptorThread(long millis) throws IOException
    {
        try
        {
            Thread.sleep(millis);
        }
        catch (InterruptedException interrupted)
        {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while pausing accepts");
        }
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
     * Stops taking connections at once, as Jetty's network connectors do on shutdown: the listening socket is
     * closed (and its file removed if still ours), so that a client connecting from now on is refused rather than
     * served (or answered 503) and cannot prolong the stop. Connections already accepted go on to the end.
     */
    private void stopListening()
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
     * Creates the endpoint of an accepted connection; override to return a subclass.
     */
    protected EndPoint newEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key) throws IOException
    {
        PeerCredentials peer = peerCredentialsReader == null ? null : peerCredentialsReader.read(channel);
        UnixSocketEndPoint endPoint = new UnixSocketEndPoint(channel, selector, key, getScheduler(), localAddress,
            remoteAddressOf(channel), peer);
        endPoint.setIdleTimeout(getIdleTimeout());
        return endPoint;
    }

    private static final UnixDomainSocketAddress UNNAMED_PEER = UnixDomainSocketAddress.of("");
    /** The protocol names of Jetty's HTTP connection factories (HTTP/1.x, HTTP/2 cleartext and over TLS). */
    private static final Set<String> HTTP_PROTOCOLS = Set.of("http/1.0", "http/1.1", "h2c", "h2");

    /**
     * @return the client's address as Jetty's own Unix-domain connector reports it: a {@link UnixDomainSocketAddress},
     *         whose path is empty for the usual client that did not bind its socket (and for abstract-name clients)
     */
    private static SocketAddress remoteAddressOf(SocketChannel channel) throws IOException
    {
        SocketAddress remote = channel.getRemoteAddress();
        return remote instanceof UnixDomainSocketAddress ? remote : UNNAMED_PEER;
    }

    /**
     * Admits or refuses the peer, then creates the connection: the default factory's, or for a peer that is not a
     * trusted proxy, the one after a leading {@link ProxyConnectionFactory}.
     */
    protected Connection newConnection(EndPoint endPoint)
    {
        PeerCredentials peer = PeerCredentialsCustomizer.peerOf(endPoint);
        if (peer != null)
        {
            Verdict verdict = peerPolicy.evaluate(peer);
            if (!verdict.allowed())
            {
                refusedConnections.increment();
                peerListeners.forEach(listener -> listener.onRefused(peer, verdict.reason()));
                refusals.refused(this, peer, verdict.reason(), peerPolicy);
                return new RefusalConnection(endPoint, getExecutor());
            }
            peerListeners.forEach(listener -> listener.onAccepted(peer));
        }
        ConnectionFactory factory = untrustedPeerFactory;
        if (factory == null || (peer != null && getTrustedProxies().evaluate(peer).allowed()))
            factory = getDefaultConnectionFactory();
        return factory.newConnection(this, endPoint);
    }

    /**
     * @return the HTTP configuration a factory serves requests with, or {@code null} if it serves no HTTP
     * @throws IllegalStateException for a factory that serves HTTP without showing its configuration (say, a wrapper
     *         that counts connections): the connector could neither put the peer's credentials on its requests nor
     *         limit its forwarded headers to trusted proxies, and would not know, so any local user could claim to be
     *         any remote client. Fails closed.
     */
    private HttpConfiguration httpConfigurationOf(ConnectionFactory factory)
    {
        if (factory instanceof HttpConfiguration.ConnectionFactory http)
            return http.getHttpConfiguration();
        String httpProtocol = factory.getProtocols().stream()
            .filter(protocol -> HTTP_PROTOCOLS.contains(protocol.toLowerCase(Locale.ROOT)))
            .findFirst().orElse(null);
        if (httpProtocol == null)
            return null;
        // Jetty's HTTP/2 factories show their configuration without implementing the interface.
        HttpConfiguration http2 = httpProtocol.startsWith("h2") ? Http2Configurations.of(factory) : null;
        if (http2 != null)
            return http2;
        throw new IllegalStateException(factory + " serves " + httpProtocol + " on " + this + " but is not an " +
            "HttpConfiguration.ConnectionFactory, so its HTTP configuration cannot be seen: peer credentials would " +
            "not reach its requests and its forwarded headers would be believed from anyone. Make the wrapping " +
            "factory implement HttpConfiguration.ConnectionFactory (returning the wrapped factory's configuration), " +
            "or use the HTTP connection factory itself");
    }

    /**
     * @return the factory that serves peers who are not trusted proxies when a {@link ProxyConnectionFactory} comes
     *         first (the one after it), else {@code null}: resolved once, at start, not per connection
     */
    private ConnectionFactory untrustedPeerFactory()
    {
        List<ConnectionFactory> factories = new ArrayList<>(getConnectionFactories());
        if (factories.isEmpty() || !(factories.get(0) instanceof ProxyConnectionFactory))
            return null;
        if (factories.size() < 2)
            throw new IllegalStateException("Nothing follows the ProxyConnectionFactory on " + this +
                ": add the protocol it hands over to, e.g. an HttpConnectionFactory");
        return factories.get(1);
    }

    /**
     * Fits an HTTP configuration for Unix sockets. Each change is harmless to TCP connectors sharing it.
     * <ul>
     * <li>A Unix socket has no host and port, and Jetty derives the authority of a request without Host (HTTP/1.0),
     * and {@code getServerAuthority()}, from the local address; with a path there, that fails. Clients of a Unix
     * socket address it as {@code localhost}, as curl does, so that is the authority unless one was configured.</li>
     * <li>Peer credentials become request attributes through a {@link PeerCredentialsCustomizer}.</li>
     * <li>A plain {@link ForwardedRequestCustomizer} would believe any local user's headers: it is wrapped in a
     * {@link TrustedForwardedCustomizer}.</li>
     * <li>An {@link ExchangeTracker} counts the requests in progress per connection, for {@link #shutdown()}.</li>
     * </ul>
     */
    private void prepareHttpConfiguration(ConnectionFactory factory)
    {
        HttpConfiguration configuration = httpConfigurationOf(factory);
        if (configuration == null)
            return;
        if (configuration.getServerAuthority() == null)
            configuration.setServerAuthority(LOCALHOST);
        List<HttpConfiguration.Customizer> customizers = new ArrayList<>();
        for (HttpConfiguration.Customizer customizer : configuration.getCustomizers())
        {
            if (customizer instanceof ForwardedRequestCustomizer forwarded)
            {
                LOG.info("{}: Forwarded headers are believed only from trusted proxies ({})", this, getTrustedProxies());
                customizers.add(new TrustedForwardedCustomizer(forwarded));
            }
            else
                customizers.add(customizer);
        }
        if (readPeerCredentials && configuration.getCustomizer(PeerCredentialsCustomizer.class) == null)
            customizers.add(0, new PeerCredentialsCustomizer());
        if (configuration.getCustomizer(ExchangeTracker.class) == null)
            customizers.add(0, new ExchangeTracker());
        configuration.setCustomizers(customizers);
    }

    private void checkNotStarted()
    {
        if (isStarted() || isStarting())
            throw new IllegalStateException("Cannot change " + this + " while it runs: stop it first");
    }

    @Override
    public String toString()
    {
        String socket = address == null ? "?" : address.toString();
        return String.format("%s@%x[unix:%s]", getClass().getSimpleName(), hashCode(), socket);
    }

    /** The default trusted proxies, built on first use (it looks up this process's user). */
    private static final class SameUser
    {
        private static final PeerPolicy POLICY = PeerPolicy.builder().allowSameUser().build();
    }

    private class UnixSocketSelectorManager extends SelectorManager
    {
        UnixSocketSelectorManager(Executor executor, Scheduler scheduler, int selectors)
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
