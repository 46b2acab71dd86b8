package io.github.unixhttp.core;

import java.nio.file.Path;
import java.util.Objects;

import io.github.unixhttp.core.internal.nativeedge.Directory;

/**
 * Where a Unix stream socket is: a file system path, a Linux abstract name, or a listening socket a supervisor
 * handed over (systemd, s6). One immutable value, checked when it is made, that decides how the server's socket
 * is opened and how a client reaches it; {@link #parse} and {@link #toString} read and write its text form
 * ({@code /run/app.sock}, {@code @name}).
 *
 * <pre>{@code
 * UnixSocketAddress.ofPath(Path.of("/run/app/app.sock"));
 * UnixSocketAddress.ofAbstractName("app.control");   // written @app.control
 * UnixSocketAddress.inherited();                     // standard input or the only LISTEN_FDS socket
 * UnixSocketAddress.inherited("web");                // the LISTEN_FDS socket named "web" (FileDescriptorName=)
 * }</pre>
 */
public final class UnixSocketAddress
{
    /** How the socket is found. */
    public enum Kind
    {
        /** A socket file at a path: bound by the server, connected to by clients. */
        PATH,
        /** A Linux abstract name: no file, gone with the process, guarded only by the peer policy. */
        ABSTRACT_NAME,
        /** A listening socket a supervisor passed to the server; clients reach it by the supervisor's path. */
        INHERITED
    }

    /** The longest path in bytes (in the file name encoding): {@code sun_path} holds 108 bytes with the closing NUL. */
    public static final int MAX_PATH_BYTES = 107;
    /** The longest abstract name in bytes, after the leading NUL that marks it abstract. */
    public static final int MAX_ABSTRACT_NAME_BYTES = 106;

    private final Kind kind;
    /** The path, the abstract name without {@code @}, or the inherited socket's name (may be null): by kind. */
    private final Path path;
    private final String name;

    private UnixSocketAddress(Kind kind, Path path, String name)
    {
        this.kind = kind;
        this.path = path;
        this.name = name;
    }

    /**
     * @param path the socket file; relative paths are resolved against the working directory when used
     * @throws IllegalArgumentException if the path is empty or longer than {@value #MAX_PATH_BYTES} bytes
     */
    public static UnixSocketAddress ofPath(Path path)
    {
        Objects.requireNonNull(path, "path");
        String text = path.toString();
        if (text.isEmpty())
            throw new IllegalArgumentException("The socket path is empty: give a path such as /run/app/app.sock");
        int bytes = Directory.fileNameBytes(text).length;
        if (bytes > MAX_PATH_BYTES)
            throw new IllegalArgumentException("The socket path " + text + " is " + bytes + " bytes long, but a Unix socket " +
                "path may have at most " + MAX_PATH_BYTES + " bytes. Choose a shorter path, e.g. under $XDG_RUNTIME_DIR or /run");
        return new UnixSocketAddress(Kind.PATH, path, null);
    }

    /**
     * @param name the name without the {@code @}: 1 to {@value #MAX_ABSTRACT_NAME_BYTES} printable ASCII characters
     * @throws IllegalArgumentException if the name is empty, too long, or not printable ASCII
     */
    public static UnixSocketAddress ofAbstractName(String name)
    {
        if (name == null || name.isEmpty())
            throw new IllegalArgumentException("The abstract socket name is empty: write it as @name, e.g. @myapp");
        if (!name.chars().allMatch(c -> c >= 0x21 && c < 0x7f))
            throw new IllegalArgumentException("The abstract socket name '@" + name + "' must be printable ASCII without " +
                "spaces: choose a name such as @myapp.control");
        if (name.length() > MAX_ABSTRACT_NAME_BYTES)
            throw new IllegalArgumentException("The abstract socket name '@" + name + "' is " + name.length() +
                " bytes; at most " + MAX_ABSTRACT_NAME_BYTES + " fit. Choose a shorter name");
        return new UnixSocketAddress(Kind.ABSTRACT_NAME, null, name);
    }

    /**
     * The listening socket a supervisor passed: systemd's only {@code LISTEN_FDS} socket, else standard input
     * ({@code s6-ipcserver-socketbinder}, systemd {@code StandardInput=socket}).
     *
     * <p>Taking up a {@code LISTEN_FDS} socket changes the process, as {@code sd_listen_fds(1)} does: the JDK takes
     * up an inherited socket only from descriptor 0, so the chosen descriptor is duplicated onto standard input
     * ({@code dup2}), and {@code LISTEN_FDS}, {@code LISTEN_PID} and {@code LISTEN_FDNAMES} are unset, so that a
     * child process does not take the socket too. The log says so when it happens.</p>
     */
    public static UnixSocketAddress inherited()
    {
        return new UnixSocketAddress(Kind.INHERITED, null, null);
    }

    /**
     * @param fdName which of the sockets systemd passed, by its {@code FileDescriptorName=} ({@code --fdname} of
     *               {@code systemd-socket-activate}); {@code null} for the only one
     */
    public static UnixSocketAddress inherited(String fdName)
    {
        if (fdName != null && (fdName.isEmpty() || fdName.indexOf(':') >= 0))
            throw new IllegalArgumentException("'" + fdName + "' cannot be a socket's FileDescriptorName: it is empty " +
                "or holds ':', which separates the names in LISTEN_FDNAMES");
        return new UnixSocketAddress(Kind.INHERITED, null, fdName);
    }

    /**
     * Reads an address as configuration files and command lines give it.
     *
     * @param text a path such as {@code /run/app/app.sock}, or {@code @name} for a Linux abstract name
     * @throws IllegalArgumentException if the text cannot name a socket, saying why and what to write instead
     */
    public static UnixSocketAddress parse(String text)
    {
        if (text == null || text.isBlank())
            throw new IllegalArgumentException("The socket is empty: give a path such as /run/app/app.sock, or @name");
        if (text.indexOf('\0') >= 0)
            throw new IllegalArgumentException("The socket '" + text.replace("\0", "\\0") +
                "' contains a NUL byte, which no file name may hold: remove it (write abstract names as @name)");
        return text.startsWith("@") ? ofAbstractName(text.substring(1)) : ofPath(Path.of(text));
    }

    /** @return how the socket is found: a path, an abstract name, or inherited from a supervisor */
    public Kind kind()
    {
        return kind;
    }

    /**
     * @return the socket file; {@code null} unless the kind is {@link Kind#PATH}
     */
    public Path path()
    {
        return path;
    }

    /**
     * @return the abstract name without {@code @}; {@code null} unless the kind is {@link Kind#ABSTRACT_NAME}
     */
    public String abstractName()
    {
        return kind == Kind.ABSTRACT_NAME ? name : null;
    }

    /**
     * @return the {@code LISTEN_FDNAMES} name of an inherited socket; {@code null} for the only one, or unless the
     *         kind is {@link Kind#INHERITED}
     */
    public String inheritedName()
    {
        return kind == Kind.INHERITED ? name : null;
    }

    /**
     * @return whether a client can connect to this address by itself (a path or an abstract name); an inherited
     *         socket is reached through the path its supervisor bound
     */
    public boolean isConnectable()
    {
        return kind != Kind.INHERITED;
    }

    @Override
    public boolean equals(Object other)
    {
        return other instanceof UnixSocketAddress that && kind == that.kind && Objects.equals(path, that.path) &&
            Objects.equals(name, that.name);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(kind, path, name);
    }

    /**
     * @return the path, {@code @name}, or {@code inherited} / {@code inherited:NAME}; paths and names read back with
     *         {@link #parse}
     */
    @Override
    public String toString()
    {
        return switch (kind)
        {
            case PATH -> path.toString();
            case ABSTRACT_NAME -> "@" + name;
            case INHERITED -> name == null ? "inherited" : "inherited:" + name;
        };
    }
}
