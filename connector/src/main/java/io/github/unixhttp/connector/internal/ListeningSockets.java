package io.github.unixhttp.connector.internal;

import java.io.IOException;

import io.github.unixhttp.connector.SocketFileOptions;
import io.github.unixhttp.connector.UnixSocketAddress;
import io.github.unixhttp.connector.internal.activation.SocketActivation;
import io.github.unixhttp.connector.internal.binding.SocketFileBinder;
import io.github.unixhttp.connector.internal.binding.SocketFileSpec;
import io.github.unixhttp.connector.internal.nativeedge.NativeEdge;

/**
 * Opens the listening socket an address names, the one way each kind needs: a socket file is bound safely by the
 * {@link SocketFileBinder}, an abstract name by the native edge, an inherited socket is taken up from the supervisor.
 */
public final class ListeningSockets
{
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
        requireLinux(System.getProperty("os.name"), owner);
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
                return NativeEdge.bindAbstractName(address.abstractName(), backlog);
            }
            default ->
            {
                SocketFileSpec spec = new SocketFileSpec(address.path(), file.mode(), file.group(), backlog,
                    file.staleSocketPolicy(), file.allowUnsafeDirectory());
                return file.takeover() ? SocketFileBinder.bindToTakeOver(spec) : SocketFileBinder.bind(spec);
            }
        }
    }

    /**
     * @throws IllegalStateException on any system but Linux, saying so and what to use there: the socket file is bound
     *         and checked through {@code /proc/self/fd} and Linux's system calls, which other systems do not have
     *         (without this, the start would fail later with a message about a missing {@code /proc} path)
     */
    static void requireLinux(String osName, Object owner)
    {
        if (osName != null && osName.startsWith("Linux"))
            return;
        throw new IllegalStateException(owner + " runs on Linux only for now, and this is " + osName + ": it binds and checks " +
            "its socket file through /proc/self/fd and Linux system calls. Here, use Jetty's own UnixDomainServerConnector " +
            "(org.eclipse.jetty:jetty-unixdomain-server; no safe socket file, credentials or policies), or run on Linux");
    }

    private static void requireSelectorAccepting(int acceptors, String what, String closing, Object owner)
    {
        if (acceptors > 0)
            throw new IllegalStateException(what + " is accepted in the selector: construct " + owner + " with 0 " +
                "acceptors. (Stopping a thread blocked in accept(2) would close " + closing + ")");
    }
}
