package io.github.unixhttp.unit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import io.github.unixhttp.connector.internal.nativeedge.Directory;
import io.github.unixhttp.connector.internal.nativeedge.FileStatus;
import io.github.unixhttp.connector.internal.nativeedge.NativeEdge;

/**
 * Looks at a socket path before a client connects to it, without following a link at its last component (lstat):
 * a link is refused unless allowed, the file must be a socket, and its owner may be required. The file's status
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
                throw new SocketFileException(socket, SocketFileException.Problem.SYMBOLIC_LINK, "Refusing to connect to unix:" +
                    socket + ": it is a symbolic link (to " + target + "), not a socket. A link planted in a directory " +
                    "others can write to can point a client at another service's socket, whose user would pass the " +
                    "server identity check. Connect to the socket's real path, or, if the link is trustworthy, allow " +
                    "links with ServerIdentityCheck.allowLinks()");
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
        if (!status.isSocket())
            throw new SocketFileException(socket, SocketFileException.Problem.NOT_A_SOCKET, "Refusing to connect to unix:" +
                socket + ": it is " + via + describe(status.type()) + ", not a socket. Check the path: a server creates its " +
                "socket there when it starts");
        if (requiredOwner >= 0 && status.uid() != requiredOwner)
            throw new SocketFileException(socket, SocketFileException.Problem.WRONG_OWNER, "Refusing to connect to unix:" +
                socket + ": it is " + via + "a socket file owned by " + user(status.uid()) + ", but the server identity check " +
                "requires its owner to be " + user(requiredOwner) + ". Another program may have put its socket there; " +
                "check who created it (ls -l " + socket + "), or require the owner the socket file really has");
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
