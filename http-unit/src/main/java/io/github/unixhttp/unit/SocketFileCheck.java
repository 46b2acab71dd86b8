package io.github.unixhttp.unit;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Supplier;

import io.github.unixhttp.core.internal.nativeedge.Directory;
import io.github.unixhttp.core.internal.nativeedge.FileStatus;
import io.github.unixhttp.core.internal.nativeedge.NativeEdge;
import io.github.unixhttp.unit.internal.VerifiedSocketPath;

/**
 * Looks at a socket path before a client connects to it, without following a link at its last component: a link is
 * refused unless allowed, the file must be a socket, and its owner may be required. On Linux the file is opened as a
 * reference ({@code O_PATH}) and checked and connected to through that descriptor, so that nothing swapped in at the
 * path between the check and the connect is reached ({@link VerifiedSocketPath}); elsewhere it is looked at by path
 * ({@code lstat}). The file's status
 * comes from the connector's {@link Directory}, as the server's own checks of its socket path do.
 */
final class SocketFileCheck
{
    private SocketFileCheck()
    {
    }

    /**
     * @param requiredOwner the uid the socket file must belong to, or -1 for any
     * @throws SocketFileException if the path is refused; a missing file is left for connect to report
     */
    static void inspect(Path socket, boolean allowLinks, int requiredOwner) throws IOException
    {
        inspectByPath(socket, allowLinks, requiredOwner);
    }

    /**
     * Checks the socket file as {@link #inspect} does, on a reference descriptor to it where one can be had, and keeps
     * that descriptor so that the connect reaches the very file that was checked.
     *
     * @return what to connect to
     * @throws ConnectException if nothing is at the path (as a connect to it would fail)
     */
    static VerifiedSocketPath pin(Path socket, boolean allowLinks, int requiredOwner) throws IOException
    {
        int reference;
        try
        {
            reference = Directory.openReference(socket, allowLinks);
        }
        catch (NoSuchFileException missing)
        {
            // Not a connect by name to whatever appears there next: that would be the unchecked connect the pin
            // exists to prevent (a link swapped in after this look).
            ConnectException refused = new ConnectException("Cannot connect to unix:" + socket + ": there is no socket at " +
                "this path (is the server running, on this path?)");
            refused.initCause(missing);
            throw refused;
        }
        if (reference < 0)
        {
            inspectByPath(socket, allowLinks, requiredOwner);
            return VerifiedSocketPath.byName(socket);
        }
        VerifiedSocketPath pinned = VerifiedSocketPath.pinned(socket, reference);
        try
        {
            // The descriptor's own status: a link (not followed) shows as one, the followed target as itself. Whether
            // the path is a link is looked up only for a refusal's message, not on every connect.
            check(socket, Directory.statusOfDescriptor(reference), allowLinks, requiredOwner,
                () -> allowLinks && isLink(socket) ? "a symbolic link to " + linkTarget(socket) + ", which is " : "");
            return pinned;
        }
        catch (IOException | RuntimeException refused)
        {
            pinned.close();
            throw refused;
        }
    }

    private static boolean isLink(Path socket)
    {
        try
        {
            return Directory.linkStatusOfPath(socket).isSymbolicLink();
        }
        catch (IOException gone)
        {
            return false;
        }
    }

    private static void inspectByPath(Path socket, boolean allowLinks, int requiredOwner) throws IOException
    {
        FileStatus status;
        try
        {
            status = Directory.linkStatusOfPath(socket);
        }
        catch (NoSuchFileException missing)
        {
            return;
        }
        String via = "";
        if (status.isSymbolicLink())
        {
            String target = linkTarget(socket);
            if (!allowLinks)
                throw linkRefused(socket, target);
            try
            {
                status = Directory.statusOfPath(socket);
            }
            catch (NoSuchFileException dangling)
            {
                return;
            }
            via = "a symbolic link to " + target + ", which is ";
        }
        String link = via;
        check(socket, status, allowLinks, requiredOwner, () -> link);
    }

    /** @param via what the path is before the file checked, for messages: {@code ""}, or "a symbolic link to ..., which is " */
    private static void check(Path socket, FileStatus status, boolean allowLinks, int requiredOwner, Supplier<String> via) throws IOException
    {
        if (status.isSymbolicLink() && !allowLinks)
            throw linkRefused(socket, linkTarget(socket));
        if (!status.isSocket())
            throw new SocketFileException(socket, SocketFileException.Problem.NOT_A_SOCKET, "Refusing to connect to unix:" +
                socket + ": it is " + via.get() + describe(status.type()) + ", not a socket. Check the path: a server creates its " +
                "socket there when it starts");
        if (requiredOwner >= 0 && status.uid() != requiredOwner)
            throw new SocketFileException(socket, SocketFileException.Problem.WRONG_OWNER, "Refusing to connect to unix:" +
                socket + ": it is " + via.get() + "a socket file owned by " + user(status.uid()) + ", but the server identity check " +
                "requires its owner to be " + user(requiredOwner) + ". Another program may have put its socket there; " +
                "check who created it (ls -l " + socket + "), or require the owner the socket file really has");
    }

    private static SocketFileException linkRefused(Path socket, String target)
    {
        return new SocketFileException(socket, SocketFileException.Problem.SYMBOLIC_LINK, "Refusing to connect to unix:" +
            socket + ": it is a symbolic link (to " + target + "), not a socket. A link planted in a directory " +
            "others can write to can point a client at another service's socket, whose user would pass the " +
            "server identity check. Connect to the socket's real path, or, if the link is trustworthy, allow " +
            "links with ServerIdentityCheck.allowLinks()");
    }

    private static String linkTarget(Path link)
    {
        try
        {
            return Files.readSymbolicLink(link).toString();
        }
        catch (IOException | UnsupportedOperationException gone)
        {
            // Swapped again since the lstat: the refusal stands, whatever it points at now.
            return "an unreadable target";
        }
    }

    private static String describe(int type)
    {
        return switch (type)
        {
            case FileStatus.S_IFREG -> "a regular file";
            case FileStatus.S_IFDIR -> "a directory";
            case 0010000 -> "a FIFO (named pipe)";
            case 0020000 -> "a character device";
            case 0060000 -> "a block device";
            case FileStatus.S_IFLNK -> "a symbolic link";
            default -> "a file of type 0" + Integer.toOctalString(type);
        };
    }

    private static String user(int uid)
    {
        String name = NativeEdge.names().userName(uid);
        return name == null ? "uid " + uid : "uid " + uid + " (" + name + ")";
    }
}
