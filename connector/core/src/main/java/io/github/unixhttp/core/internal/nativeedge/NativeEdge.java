package io.github.unixhttp.core.internal.nativeedge;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.unixhttp.core.internal.ListeningSocket;
import io.github.unixhttp.core.internal.platform.Platform;
import io.github.unixhttp.core.internal.portable.PortablePeerCredentialsReader;
import io.github.unixhttp.core.internal.portable.PrincipalNameService;
import jnr.enxio.channels.NativeSelectableChannel;
import jnr.enxio.channels.NativeSelectorProvider;
import jnr.unixsocket.UnixServerSocketChannel;
import jnr.unixsocket.UnixSocketChannel;
import jnr.unixsocket.UnixSocketAddress;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one door to what the JDK cannot do by itself. Everything here degrades instead of failing: without
 * {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}, or where jnr cannot load, peer credentials come from
 * the JDK alone (names only), and the log says once what would unlock the rest.
 */
public final class NativeEdge
{
    /** The JVM options that give the native edge everything it needs. */
    public static final String JVM_OPTIONS = "--add-exports java.base/sun.nio.ch=ALL-UNNAMED --enable-native-access=ALL-UNNAMED";

    private static final Logger LOG = LoggerFactory.getLogger(NativeEdge.class);
    private static final AtomicBoolean JNR_FALLBACK_WARNED = new AtomicBoolean();

    private NativeEdge()
    {
    }

    /**
     * @return the most complete peer credentials reader this JVM allows
     */
    public static PeerCredentialsReader peerCredentialsReader()
    {
        return portable() ? PortableHolder.READER : Holder.READER;
    }

    /**
     * @return whether peers' credentials can be read at all here: not on the portable layer on Windows, whose JDK
     *         reads none (a policy that needs them must then refuse to start)
     */
    public static boolean readsPeerCredentials()
    {
        return !portable() || PortableHolder.READER != null;
    }

    /**
     * @return what reads a connection's peer process (its executable, cgroup and unit through a pidfd), or {@code null}
     *         where that cannot be done: then {@link #whyNoPeerProcess()} says why
     */
    public static PeerProcessReader peerProcessReader()
    {
        return whyNoPeerProcess() == null ? ProcessHolder.READER : null;
    }

    /**
     * @return why peer processes cannot be read in this JVM (the layer, the kernel, the JVM's flags), or {@code null}
     *         if they can
     */
    public static String whyNoPeerProcess()
    {
        if (portable())
            return "the peer process is read through a pidfd, which needs unixhttp's Linux layer, and this JVM uses " +
                Platform.current().describe();
        if (!PeerProcessReader.kernelHasPeerPidfd(System.getProperty("os.version")))
            return "the peer process is read through SO_PEERPIDFD, which needs Linux 6.5 or later, and this kernel is " +
                System.getProperty("os.version");
        if (!Holder.FDS.readsJdkChannels())
            return "the peer process is read on the connection's descriptor, which needs the JVM options " + JVM_OPTIONS;
        return null;
    }

    /** Made at first use, so that a server that never asks for processes never loads the calls. */
    private static final class ProcessHolder
    {
        private static final PeerProcessReader READER = new PeerProcessReader(Holder.FDS, Holder.LIBC);
    }

    /**
     * @return why the Linux layer cannot be used in this JVM, or {@code null} if it can (jnr loads the C library);
     *         asked by {@link Platform} on Linux only
     */
    public static String whyNoLinuxLayer()
    {
        return Holder.LIBC == null ? "jnr-ffi could not load the C library" : null;
    }

    private static boolean portable()
    {
        return !Platform.current().isLinux();
    }

    /**
     * Binds and listens on a Linux abstract name: on a JDK channel served by Jetty's epoll selector like a path
     * when this JVM lets us reach channel descriptors (see {@link JdkAbstractNameSocket}), else on jnr's channels
     * (see {@link ListeningSocket#needsNativeSelector()}).
     *
     * @param name the name without its leading {@code @}: checked by {@code UnixSocketAddress.ofAbstractName} (1 to 106 printable ASCII characters)
     * @throws IOException with a message naming the problem and the fix, e.g. when a live server has the name
     */
    public static ListeningSocket bindAbstractName(String name, int backlog) throws IOException
    {
        if (portable())
            throw Platform.current().refusal("An abstract name (unix:@" + name + ")", "listen on a socket file path");
        int queue = backlog > 0 ? backlog : 50;
        if (Holder.LIBC == null)
            warnJnrChannelsOnce(name, "jnr-ffi could not load the C library");
        else if (!Holder.FDS.readsJdkChannels())
            warnJnrChannelsOnce(name, "java.base/sun.nio.ch is not exported to this code. Start the JVM with " + JVM_OPTIONS +
                " to serve abstract names on the JDK's channels");
        else
        {
            try
            {
                return JdkAbstractNameSocket.listen(name, queue, Holder.LIBC, Holder.FDS);
            }
            catch (NativeCallException failure)
            {
                if (failure.errno() == NativeCallException.EADDRINUSE)
                    throw inUse(name, failure);
                throw new IOException("Cannot listen on unix:@" + name + ": " + failure.getMessage(), failure);
            }
            catch (IOException | RuntimeException unprepared)
            {
                // No private placeholder directory, an unknown architecture, a descriptor the JDK would not give:
                // jnr's channels need none of these. (A RuntimeException here is the JDK's internals refusing, not
                // a fault of the name: serving it still beats an obscure start failure.)
                warnJnrChannelsOnce(name, "the JDK channel could not be prepared: " + unprepared);
            }
        }
        UnixServerSocketChannel channel = UnixServerSocketChannel.open();
        try
        {
            // The leading NUL puts the name in the abstract namespace; jnr passes no trailing NUL on Linux.
            channel.socket().bind(new UnixSocketAddress("\0" + name), queue);
            return new AbstractNameSocket(channel, name);
        }
        catch (IOException failure)
        {
            channel.close();
            // jnr reports no errno: whether a live server has the name is found out by asking it, not by the text.
            if (isAbstractNameLive(name))
                throw inUse(name, failure);
            throw new IOException("Cannot listen on unix:@" + name + ": " + failure.getMessage(), failure);
        }
    }

    /**
     * Says once per JVM that abstract names are served on jnr's channels, why, and what would avoid it: the cost is
     * throughput (jnr's poll-based selector), which an operator should know about rather than find in a benchmark.
     */
    private static void warnJnrChannelsOnce(String name, String why)
    {
        if (JNR_FALLBACK_WARNED.compareAndSet(false, true))
            LOG.warn("Serving unix:@{} (and any later abstract name) on jnr's channels and selector, slower than a path, " +
                "because {}", name, why);
    }

    private static IOException inUse(String name, IOException failure)
    {
        return new IOException("Cannot listen on unix:@" + name + ": the abstract name is in use by a live server. " +
            "Stop that server first, or choose another name", failure);
    }

    private static boolean isAbstractNameLive(String name)
    {
        try (UnixSocketChannel probe = UnixSocketChannel.open())
        {
            // Non-blocking: a live server with a full backlog must not make the probe hang.
            probe.configureBlocking(false);
            return probe.connect(new UnixSocketAddress("\0" + name)) || probe.isConnectionPending();
        }
        catch (IOException refused)
        {
            return false;
        }
    }

    /**
     * @return whether the JDK can accept a connection whatever name its peer bound (see {@link FileNameEncoding}):
     *         false in a C/POSIX locale, where a peer bound to a non-ASCII name makes the JDK's accept throw
     */
    public static boolean canNameEveryPeer()
    {
        return FileNameEncoding.canNameEveryPeer();
    }

    /**
     * @return the JVM's file-name encoding, for messages
     */
    public static String fileNameEncoding()
    {
        return FileNameEncoding.CHARSET.name();
    }

    /**
     * @param listening a listening JDK channel
     * @return what closes the descriptors the JDK leaks when it cannot name a peer of {@code listening}, or {@code
     *         null} where that cannot be done (then {@link #whyNoLeakedAcceptSweeper()} says why)
     */
    public static LeakedAcceptSweeper leakedAcceptSweeper(SelectableChannel listening)
    {
        if (portable())
            return null;
        return LeakedAcceptSweeper.forListener(listening, Holder.LIBC, Holder.FDS);
    }

    /**
     * @return why {@link #leakedAcceptSweeper} found none
     */
    public static String whyNoLeakedAcceptSweeper()
    {
        if (portable())
            return "the portable layer cannot list this process's descriptors (" + Platform.current() + ")";
        return LeakedAcceptSweeper.unavailableBecause(Holder.LIBC);
    }

    /**
     * Makes a listening socket refuse new connections while those already in its backlog can still be accepted:
     * {@code shutdown(SHUT_RD)}, which Linux's {@code connect(2)} answers with {@code ECONNREFUSED} for a Unix socket.
     *
     * @return whether it was done; {@code false} where it cannot be (no C library, no descriptor, not Linux)
     */
    public static boolean refuseNewConnections(SelectableChannel listening)
    {
        if (portable())
            return false;
        LibC libc = Holder.LIBC;
        if (libc == null || !(listening instanceof NativeSelectableChannel) && !Holder.FDS.readsJdkChannels()
            || !"Linux".equals(System.getProperty("os.name")))
            return false;
        try
        {
            return libc.shutdown(Holder.FDS.fdOf(listening), LibC.SHUT_RD) == 0;
        }
        catch (RuntimeException unreadable)
        {
            return false;
        }
    }

    /**
     * Makes {@code to} a copy of descriptor {@code from}, as {@code dup2(2)} does.
     *
     * @throws IOException if the call fails or native calls are unavailable
     */
    public static void dup2(int from, int to) throws IOException
    {
        if (portable())
            throw Platform.current().refusal("Taking up a LISTEN_FDS descriptor (" + from + ")",
                "have the supervisor pass the socket on standard input (systemd: StandardInput=socket; s6-ipcserver-socketbinder)");
        LibC libc = Holder.LIBC;
        if (libc == null)
            throw new IOException("dup2 needs native calls, and jnr-ffi could not load the C library here");
        if (libc.dup2(from, to) < 0)
            throw new IOException("dup2(" + from + ", " + to + ") failed: errno " + jnr.ffi.LastError.getLastError(Runtime.getRuntime(libc)));
    }

    /**
     * Removes a variable from the process environment (for native code and {@code exec}; the JDK keeps its own
     * copy, which {@link System#getenv()} and {@code ProcessBuilder} go on showing). Does nothing without native calls.
     */
    public static void unsetenv(String name)
    {
        if (portable())
            return;
        LibC libc = Holder.LIBC;
        if (libc != null)
            libc.unsetenv((name + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * Connects to a Linux abstract name without blocking: on a JDK channel, served by the JDK's selectors like a
     * path's, when this JVM lets us reach channel descriptors (see {@link JdkAbstractNameClient}); else on a jnr
     * channel, which needs {@link #openNativeSelector()} (see {@link #needsNativeSelector}).
     *
     * @param name the name without its leading {@code @}
     * @return a connected channel in non-blocking mode
     * @throws ConnectException if nothing listens on the name (a plain {@code IOException} in the rare JVM where jnr-ffi
     *                          cannot load the C library)
     * @throws NativeCallException with {@link NativeCallException#EAGAIN} if the server's backlog is full (worth
     *                             trying again)
     */
    public static SocketChannel connectAbstractName(String name) throws IOException
    {
        if (portable())
            throw Platform.current().refusal("Connecting to an abstract name (unix:@" + name + ")", "connect to a socket file path");
        JdkAbstractNameClient jdk = ClientHolder.CLIENT;
        LibC libc = Holder.LIBC;
        try
        {
            if (jdk != null)
                return jdk.connect(name);
            // No JDK channel to be had, but the C library is there: connect natively all the same (typed failures),
            // and run the connection on jnr's channel.
            if (libc != null && JdkAbstractNameSocket.knowsArchitecture(System.getProperty("os.arch")))
                return JdkAbstractNameClient.onJnrChannel(libc, JdkAbstractNameClient.connectNatively(libc, Runtime.getRuntime(libc), name));
        }
        catch (NativeCallException failure)
        {
            if (failure.errno() == NativeCallException.ECONNREFUSED)
                throw (ConnectException)new ConnectException("Connection refused: nothing listens on @" + name).initCause(failure);
            throw failure;
        }
        // Without the C library, jnr-unixsocket's own connect: its failures are plain IOExceptions.
        UnixSocketChannel channel = UnixSocketChannel.create();
        try
        {
            channel.configureBlocking(false);
            // jnr says a connect to a full backlog (EAGAIN) is pending, and so is its retry.
            if (channel.connect(new UnixSocketAddress("\0" + name)) || channel.finishConnect())
                return channel;
        }
        catch (IOException | RuntimeException failure)
        {
            channel.close();
            throw failure;
        }
        channel.close();
        throw new NativeCallException("connect(@" + name + ")", NativeCallException.EAGAIN, "the server's backlog is full");
    }

    /**
     * @return the address that stands for an abstract name where one is needed (a transport's address); the JDK's
     *         channels cannot connect to it (connect with {@link #connectAbstractName})
     */
    public static SocketAddress abstractNameAddress(String name)
    {
        return new UnixSocketAddress("\0" + name);
    }

    /**
     * @return whether {@code channel} is one of jnr's, which only {@link #openNativeSelector()} can select
     */
    public static boolean needsNativeSelector(SelectableChannel channel)
    {
        return channel instanceof NativeSelectableChannel;
    }

    /**
     * @return this process's effective uid: the one {@code SO_PEERCRED} reports to the peers of its sockets, and the
     *         owner of the files it creates
     */
    public static int effectiveUid()
    {
        if (portable())
            return PortableHolder.OWN_UID;
        try
        {
            return Directory.effectiveUid();
        }
        catch (IOException | LinkageError jnrUnavailable)
        {
            // Without jnr the JDK's own view is all there is: its real uid, the same as the effective one unless setuid.
            return (int)new com.sun.security.auth.module.UnixSystem().getUid();
        }
    }

    /**
     * @return this process's effective gid (on the portable layer the JDK's view, its real gid); -1 where there is none
     */
    public static int effectiveGid()
    {
        if (portable())
            return PortableHolder.OWN_GID;
        try
        {
            return Directory.effectiveGid();
        }
        catch (IOException | LinkageError jnrUnavailable)
        {
            return (int)new com.sun.security.auth.module.UnixSystem().getGid();
        }
    }

    /**
     * @return a selector for jnr channels (those of abstract names); the JDK's selectors cannot take them
     */
    public static Selector openNativeSelector() throws IOException
    {
        return NativeSelectorProvider.getInstance().openSelector();
    }

    /**
     * @return user and group name lookups; one that knows nothing if jnr cannot load
     */
    public static NameService names()
    {
        return portable() ? PortableHolder.NAMES : Holder.NAMES;
    }

    /**
     * @return the C library calls, or {@code null} if jnr-ffi cannot load them here
     */
    static LibC libc()
    {
        return Holder.LIBC;
    }

    /**
     * Binds an interface of C library calls, looking its functions up among the symbols already loaded in this process
     * ({@code dlsym(RTLD_DEFAULT)}), where the C library the JVM itself runs on always is. Asked for the library by
     * name ({@code "c"}), jnr first fails to open a file called {@code c}, then lists every file of the system's
     * library directories and matches each name against a pattern, at every binding: measured, some 3 MB of garbage
     * and half of the binding's time at a server's start. The lookup follows the process's global symbol order, as the
     * JDK's own calls into the C library do: a library preloaded into the process ({@code LD_PRELOAD}) that wraps a
     * call wraps ours too, where looking up through a handle to {@code libc.so.6} went around it.
     *
     * @throws LinkageError or RuntimeException if jnr cannot bind it here
     */
    static <T> T bindC(Class<T> calls)
    {
        return LibraryLoader.create(calls).load(LibraryLoader.DEFAULT_LIBRARY);
    }

    /** The client side of abstract names on the JDK's channels, made at first use; {@code null} where it cannot be. */
    private static final class ClientHolder
    {
        private static final JdkAbstractNameClient CLIENT = open();

        private static JdkAbstractNameClient open()
        {
            String unavailable;
            if (Holder.LIBC == null)
                unavailable = "jnr-ffi could not load the C library";
            else if (!Holder.FDS.readsJdkChannels())
                unavailable = "java.base/sun.nio.ch is not exported to this code. Start the JVM with " + JVM_OPTIONS +
                    " to reach abstract names on the JDK's channels";
            else
            {
                try
                {
                    JdkAbstractNameSocket.requireKnownArchitecture(System.getProperty("os.arch"));
                    return JdkAbstractNameClient.open(Holder.LIBC, Holder.FDS);
                }
                catch (IOException | RuntimeException failure)
                {
                    unavailable = "the JDK channel could not be prepared: " + failure;
                }
            }
            LOG.warn("Connecting to abstract names on jnr's channels and selector, slower than a path, because {}", unavailable);
            return null;
        }
    }

    /** The portable layer's parts: JDK APIs only, nothing of jnr touched. */
    private static final class PortableHolder
    {
        private static final PeerCredentialsReader READER = PortablePeerCredentialsReader.supported()
            ? new PortablePeerCredentialsReader() : null;
        private static final NameService NAMES = new PrincipalNameService();
        private static final int OWN_UID = ownId(false);
        private static final int OWN_GID = ownId(true);

        /** The JDK's own view, its real ids (the same as the effective ones unless setuid); -1 where it has none. */
        private static int ownId(boolean group)
        {
            try
            {
                com.sun.security.auth.module.UnixSystem system = new com.sun.security.auth.module.UnixSystem();
                return (int)(group ? system.getGid() : system.getUid());
            }
            catch (LinkageError | RuntimeException noUnixIds)
            {
                return -1;
            }
        }
    }

    private static final class Holder
    {
        private static final LibC LIBC = loadLibC();
        private static final NameService NAMES = loadNames();
        private static final ChannelFds FDS = ChannelFds.open();
        private static final PeerCredentialsReader READER = chooseReader();

        private static NameService loadNames()
        {
            if (LIBC == null)
                return new NoNames();
            try
            {
                return new LibcNameService(bindC(NameCalls.class));
            }
            catch (LinkageError | RuntimeException unavailable)
            {
                LOG.warn("The C library's name lookups could not be bound ({}): peer user and group names will be missing",
                    unavailable.toString());
                return new NoNames();
            }
        }

        private static LibC loadLibC()
        {
            try
            {
                return bindC(LibC.class);
            }
            catch (LinkageError | RuntimeException unavailable)
            {
                LOG.warn("jnr-ffi could not load the C library ({})", unavailable.toString());
                return null;
            }
        }

        private static PeerCredentialsReader chooseReader()
        {
            if (LIBC == null)
            {
                warnNamesOnly("jnr-ffi could not load the C library");
                return new JdkPeerCredentialsReader();
            }
            if (!FDS.readsJdkChannels())
                warnNamesOnly("java.base/sun.nio.ch is not exported to this code");
            return new JnrPeerCredentialsReader(FDS, LIBC, NAMES, new JdkPeerCredentialsReader());
        }

        private static void warnNamesOnly(String why)
        {
            LOG.warn("Peer credentials: reading user and group names only, because {}. Start the JVM with {} " +
                "to also get pid, uid, gid and supplementary groups", why, JVM_OPTIONS);
        }
    }

    private static final class NoNames implements NameService
    {
        @Override
        public boolean looksUpNames()
        {
            return false;
        }

        @Override
        public String userName(int uid)
        {
            return null;
        }

        @Override
        public String groupName(int gid)
        {
            return null;
        }

        @Override
        public OptionalInt uidOf(String userName)
        {
            return OptionalInt.empty();
        }

        @Override
        public OptionalInt gidOf(String groupName)
        {
            return OptionalInt.empty();
        }
    }
}
