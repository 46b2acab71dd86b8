package io.github.unixhttp.connector.internal;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.unixhttp.core.internal.ListeningSocket;
import io.github.unixhttp.core.internal.UnnameablePeers;
import io.github.unixhttp.connector.SocketFileOptions;
import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.connector.internal.activation.SocketActivation;
import io.github.unixhttp.connector.internal.binding.PortableSocketFileBinder;
import io.github.unixhttp.connector.internal.binding.SocketFileBinder;
import io.github.unixhttp.connector.internal.binding.SocketFileSpec;
import io.github.unixhttp.core.internal.nativeedge.NativeEdge;
import io.github.unixhttp.core.internal.platform.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the listening socket an address names, the one way each kind needs on the platform layer in use: a socket file
 * is bound safely by the {@link SocketFileBinder} (Linux layer) or the {@link PortableSocketFileBinder}, an abstract
 * name by the native edge (Linux layer only), an inherited socket is taken up from the supervisor.
 */
public final class ListeningSockets
{
    private static final Logger LOG = LoggerFactory.getLogger(ListeningSockets.class);
    /** The layer is chosen once per JVM: said once, at the first start. */
    private static final AtomicBoolean LAYER_LOGGED = new AtomicBoolean();

    private ListeningSockets()
    {
    }

    /**
     * @param address where to listen
     * @param file how a socket file must look and be handled
     * @param backlog the listen backlog; 0 or less for the JDK default
     * @param acceptors the connector's acceptor threads: abstract and inherited sockets are accepted in the selector
     * @param owner what to name in messages (the connector)
     * @throws IllegalStateException when the configuration cannot work for this kind of address, saying what to change
     * @throws IOException when the socket cannot be opened, saying why and what to do
     */
    public static ListeningSocket open(UnixSocketAddress address, SocketFileOptions file, int backlog, int acceptors,
                                       Object owner) throws IOException
    {
        if (address == null)
            throw new IllegalStateException("No socket to listen on: call setAddress, setSocketPath or setSocket (a path " +
                "or @name) before starting " + owner);
        Platform platform = Platform.current();
        if (LAYER_LOGGED.compareAndSet(false, true))
            LOG.info("unixhttp on {}: {}", platform.os(), platform.describe());
        UnnameablePeers.warnAtStartIfTheJdkCannotNameEveryPeer(owner);
        boolean fileAttributes = file.hasFileAttributes();
        if (file.takeover() && address.kind() != UnixSocketAddress.Kind.PATH)
            throw new IllegalStateException("A takeover replaces a socket file at a path, and " + owner + " has none: " +
                "turn takeover off" + (address.kind() == UnixSocketAddress.Kind.INHERITED
                ? " (the supervisor keeps its socket across restarts: connections wait in its backlog)" : ""));
        switch (address.kind())
        {
            case INHERITED ->
            {
                if (fileAttributes)
                    throw new IllegalStateException("An inherited socket's mode and group are set by the supervisor that " +
                        "created it (SocketMode=/SocketGroup= in systemd, -a in s6-ipcserver-socketbinder), not by " + owner +
                        ": set no mode or group in its SocketFileOptions");
                requireSelectorAccepting(acceptors, "An inherited socket", "the supervisor's socket", owner);
                return SocketActivation.inherit(address.inheritedName());
            }
            case ABSTRACT_NAME ->
            {
                if (fileAttributes)
                    throw new IllegalStateException("An abstract socket has no file, hence no mode or group: set none in the " +
                        "SocketFileOptions of " + owner + ", and restrict who may connect with setPeerPolicy instead");
                requireSelectorAccepting(acceptors, "An abstract socket", "the socket without waking it", owner);
                if (!platform.isLinux())
                    throw platform.refusal("An abstract name (" + address + ")", "listen on a socket file path");
                return NativeEdge.bindAbstractName(address.abstractName(), backlog);
            }
            default ->
            {
                SocketFileSpec spec = new SocketFileSpec(address.path(), file.mode(), file.group(), backlog,
                    file.staleSocketPolicy(), file.allowUnsafeDirectory());
                if (platform.isLinux())
                    return file.takeover() ? SocketFileBinder.bindToTakeOver(spec) : SocketFileBinder.bind(spec);
                if (file.takeover())
                    throw platform.refusal("A takeover (SocketFileOptions takeover) of " + address, "stop the old server " +
                        "before starting the new one (clients see refused connections meanwhile), or run on Linux, where " +
                        "the takeover swaps the sockets in one step");
                return PortableSocketFileBinder.bind(spec);
            }
        }
    }

    private static void requireSelectorAccepting(int acceptors, String what, String closing, Object owner)
    {
        if (acceptors > 0)
            throw new IllegalStateException(what + " is accepted in the selector: construct " + owner + " with 0 " +
                "acceptors. (Stopping a thread blocked in accept(2) would close " + closing + ")");
    }
}
