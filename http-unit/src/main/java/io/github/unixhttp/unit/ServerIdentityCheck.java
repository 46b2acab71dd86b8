package io.github.unixhttp.unit;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Objects;

import io.github.unixhttp.core.PeerCredentials;
import io.github.unixhttp.unit.internal.VerifiedSocketPath;
import io.github.unixhttp.core.internal.nativeedge.NativeEdge;
import io.github.unixhttp.core.internal.nativeedge.PeerCredentialsReader;

/**
 * What a client requires of the server behind a Unix socket. This defends against a squatter (a program that put
 * its own socket at the path in a shared directory such as /tmp, to read what clients send) and against a symbolic
 * link planted there that points at some other service's socket.
 *
 * <p>Two checks, in this order:</p>
 * <ol>
 *   <li><b>Before connecting</b>, the socket path is looked at without following a link at its last component
 *       (lstat): a symbolic link is refused unless {@link #allowLinks()} was asked for, the file must be a socket,
 *       and, with {@link #requireFileOwner(int)}, the socket file must belong to that user. Refusals are
 *       {@link SocketFileException}s.</li>
 *   <li><b>After connecting</b>, and before any byte of a request is written, the server's credentials are read
 *       with {@code SO_PEERCRED} on the client's own socket and compared with the required user. Refusals are
 *       {@link ServerIdentityException}s.</li>
 * </ol>
 *
 * <p>The second check is the proof: the kernel says who is on the other end of the very connection the request
 * will travel on. The first one cannot be: between the lstat and {@code connect(2)} the path can be swapped (a
 * residual race no path-based client can close), so it only refuses links and non-sockets early, with a clearer
 * message, and catches a link to a socket whose server would pass the second check (another root-owned service,
 * for {@code uid(0)}). A swap in that window still meets the {@code SO_PEERCRED} check.</p>
 *
 * <p><b>Socket activation.</b> {@code SO_PEERCRED} reports the credentials of whoever called {@code listen(2)},
 * not of the process that accepts: when systemd (or {@code s6-ipcserver-socketbinder} run as root) creates the
 * listening socket and hands it to a service running as another user, a client sees uid 0 (systemd: pid 1), not
 * the service's user. Require {@code uid(0)} for such a service, and, to tell it from other root services, the
 * owner of its socket file ({@code SocketUser=} in the socket unit) with {@link #requireFileOwner(int)}.</p>
 *
 * <p>{@link #none()} checks nothing, not even the file. Abstract names have no file: only the second check applies.
 * Immutable; equal checks let transports share pooled connections.</p>
 *
 * <p><b>Abstract names are checked by default.</b> An abstract name has no file and so no permissions: any local
 * user (in the network namespace) can listen on one before the real server does. Unless the options name a check
 * ({@link UnixClientOptions.Builder#serverIdentity}), a client of an abstract name requires
 * {@link #sameUserOrRoot()}; {@code serverIdentity(ServerIdentityCheck.none())} opts out. A socket file is
 * protected by its directory's and its own permissions, and is not checked by default.</p>
 */
public final class ServerIdentityCheck
{
    private static final ServerIdentityCheck NONE = new ServerIdentityCheck(-1, false, "any user", false, -1, false);
    /**
     * What {@link UnixClientOptions} hold when no check was named: no check for a socket file, {@link #sameUserOrRoot()}
     * for an abstract name (see {@link UnixClientOptions#serverIdentityFor}). Checks nothing itself; not equal to
     * {@link #none()}, which is the explicit opt-out.
     */
    static final ServerIdentityCheck DEFAULT = new ServerIdentityCheck(-1, false, "any user", false, -1, true);

    private final int uid;
    /** Whether root (uid 0) is accepted besides {@link #uid}. */
    private final boolean orRoot;
    private final String description;
    private final boolean allowLinks;
    private final int fileOwner;
    /** No check was named: {@link #DEFAULT}, or it with links allowed (which names no check of the server). */
    private final boolean unnamed;

    private ServerIdentityCheck(int uid, boolean orRoot, String description, boolean allowLinks, int fileOwner, boolean unnamed)
    {
        this.unnamed = unnamed;
        this.uid = uid;
        this.orRoot = orRoot;
        this.description = description;
        this.allowLinks = allowLinks;
        this.fileOwner = fileOwner;
    }

    /**
     * No check: any server will do. The default for a socket file; for an abstract name, naming it in the options
     * is the explicit opt-out of the default {@link #sameUserOrRoot()}.
     */
    public static ServerIdentityCheck none()
    {
        return NONE;
    }

    /**
     * The server must run as the same user as this client, or as root: the default for an abstract name, which any
     * local user could have bound first.
     */
    public static ServerIdentityCheck sameUserOrRoot()
    {
        int self = NativeEdge.effectiveUid();
        return new ServerIdentityCheck(self, true, "uid " + self + " (the same user as this client) or root", false, -1, false);
    }

    /**
     * @return {@link #sameUserOrRoot()}, its refusal saying that it is the default for an abstract name and how to opt out
     */
    static ServerIdentityCheck abstractNameDefault()
    {
        return AbstractNameDefault.CHECK;
    }

    /** Made once (asked at every request to an abstract name): the effective uid does not change. */
    private static final class AbstractNameDefault
    {
        static final ServerIdentityCheck CHECK = make();

        private static ServerIdentityCheck make()
        {
            int self = NativeEdge.effectiveUid();
            return new ServerIdentityCheck(self, true, "uid " + self + " (the same user as this client) or root, which a " +
                "client requires of a server on an abstract name unless its options name a check (an abstract name has no " +
                "file permissions: any local user can listen on it). To talk to a server of another user, require that user " +
                "with UnixClientOptions.builder().serverIdentity(ServerIdentityCheck.uid(...)), or accept any server with " +
                ".serverIdentity(ServerIdentityCheck.none())", false, -1, false);
        }
    }

    /** @return whether no check was named (the options' default, perhaps with links allowed) */
    boolean isUnnamed()
    {
        return unnamed;
    }

    /** The server must run as this user id, e.g. 0 for a system daemon (or for a socket-activated service). */
    public static ServerIdentityCheck uid(int uid)
    {
        return new ServerIdentityCheck(requireUid(uid), false, "uid " + uid, false, -1, false);
    }

    /** The server must run as the same user as this client: the check for a desktop app talking to itself. */
    public static ServerIdentityCheck sameUser()
    {
        return new ServerIdentityCheck(NativeEdge.effectiveUid(), false, "uid " + NativeEdge.effectiveUid() + " (the same user as this client)", false, -1, false);
    }

    /**
     * @return this check, but following a symbolic link at the socket path (the file it leads to must still be a
     *         socket, of the required owner if one is required). Only for a link in a directory that no one else
     *         can write to: the server's uid still is checked after connecting, but any service running as that
     *         user would pass.
     */
    public ServerIdentityCheck allowLinks()
    {
        return new ServerIdentityCheck(uid, orRoot, description, true, fileOwner, unnamed);
    }

    /**
     * @param owner the uid the socket file must belong to, e.g. the {@code SocketUser=} of a systemd socket unit
     * @return this check, also requiring the owner of the socket file (seen before connecting)
     */
    public ServerIdentityCheck requireFileOwner(int owner)
    {
        return new ServerIdentityCheck(uid, orRoot, uid < 0 ? "any user" : description, allowLinks, requireUid(owner), false);
    }

    private static int requireUid(int uid)
    {
        if (uid < 0)
            throw new IllegalArgumentException("A user id is 0 or more, not " + uid);
        return uid;
    }

    /**
     * @return whether nothing is checked, neither the file nor the server
     */
    public boolean isNone()
    {
        return uid < 0 && fileOwner < 0;
    }

    /** @return whether the socket file's owner is checked, which only a socket at a path has */
    boolean requiresFileOwner()
    {
        return fileOwner >= 0;
    }

    /**
     * @return whether a symbolic link at the socket path is followed rather than refused
     */
    public boolean allowsLinks()
    {
        return allowLinks;
    }

    /**
     * The check before connecting: looks at {@code socket} without following a link (see the class comment). A
     * missing file passes, for {@code connect(2)} to report.
     *
     * @throws SocketFileException if what is at the path is refused
     */
    public void verifyPath(Path socket) throws IOException
    {
        if (!isNone())
            SocketFileCheck.inspect(socket, allowLinks, fileOwner);
    }

    /**
     * The check before connecting, as {@link #verifyPath} makes it, keeping hold of the file it checked: the
     * clients of this library connect to {@link VerifiedSocketPath#connectAddress()} and then close it, so that the
     * socket reached is the one checked even if the path is swapped meanwhile.
     *
     * @throws SocketFileException if what is at the path is refused
     */
    public VerifiedSocketPath verifyAndPinPath(Path socket) throws IOException
    {
        if (isNone())
            return VerifiedSocketPath.byName(socket);
        return SocketFileCheck.pin(socket, allowLinks, fileOwner);
    }

    /**
     * The check after connecting, before any request byte is written.
     *
     * @param channel the connection, or {@code null} if it is of a kind whose credentials cannot be read (then any
     *                check of the server's user refuses it)
     * @throws ServerIdentityException if the server on the other end of {@code channel} is not who is required
     */
    public void verify(SocketChannel channel, String socket) throws IOException
    {
        if (uid < 0)
            return;
        // A connection whose channel we cannot read credentials from: the check cannot be made, so it refuses.
        if (channel == null)
            throw new ServerIdentityException("Refusing to send a request to unix:" + socket + ": the server's " +
                "credentials cannot be read from this kind of connection, and " + description + " is required");
        PeerCredentialsReader reader = NativeEdge.peerCredentialsReader();
        if (reader == null)
            throw new ServerIdentityException("Refusing to send a request to unix:" + socket + ": " + description + " is " +
                "required, and the JDK on " + System.getProperty("os.name") + " reads no credentials of a Unix socket's " +
                "peer. Rely on the socket directory's access control and build the client with ServerIdentityCheck.none()");
        PeerCredentials server = reader.read(channel);
        if (server.knows(PeerCredentials.Field.UID))
        {
            if (server.uid() != uid && !(orRoot && server.uid() == 0))
                throw new ServerIdentityException(socket, server, description);
            return;
        }
        if (!isNamed(uid, server.userName()) && !(orRoot && isNamed(0, server.userName())))
            throw new ServerIdentityException(socket, server, description);
    }

    /** @return whether the user {@code uid} is known by the name {@code userName} (a name that cannot be looked up is not) */
    private static boolean isNamed(int uid, String userName)
    {
        String name = NativeEdge.names().userName(uid);
        return name != null && name.equals(userName);
    }

    /** Checks of the same requirements are equal, so that transports built with them share pooled connections. */
    @Override
    public boolean equals(Object other)
    {
        // The default is its own: it is not an explicit none().
        return other instanceof ServerIdentityCheck that && uid == that.uid && orRoot == that.orRoot && allowLinks == that.allowLinks &&
            fileOwner == that.fileOwner && unnamed == that.unnamed;
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(uid, orRoot, allowLinks, fileOwner, unnamed);
    }

    @Override
    public String toString()
    {
        if (unnamed)
            return "the default server identity check: none for a socket file, the same user or root for an abstract name";
        if (isNone())
            return "no server identity check";
        StringBuilder text = new StringBuilder(uid < 0 ? "any server" : "server must be " + description);
        if (fileOwner >= 0)
            text.append(", socket file owned by uid ").append(fileOwner);
        text.append(allowLinks ? ", links followed" : ", links refused");
        return text.toString();
    }
}
