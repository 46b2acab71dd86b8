package io.github.unixhttp.connector.internal.binding;

import java.io.IOException;
import java.nio.file.Path;

import io.github.unixhttp.core.internal.nativeedge.Directory;
import io.github.unixhttp.core.internal.nativeedge.FileStatus;
import io.github.unixhttp.connector.binding.SocketBindException;
import io.github.unixhttp.connector.binding.BindProblem;

/**
 * Whether the directories above a socket file let another local user replace it. Whoever may rename entries in
 * the socket's directory, or in any directory above it, can move the live socket away and bind their own in its
 * place, and then receives this server's clients and their credentials. That is anyone who owns such a directory,
 * and anyone who may write to it when it has no sticky bit (with the sticky bit, only an entry's owner may rename
 * it). Root and the server's own user (and group) are trusted; anyone else makes the layout unsafe.
 */
public final class DirectorySafety
{
    private DirectorySafety()
    {
    }

    /**
     * Refuses a socket directory, or a directory above it, that someone else could rename entries in.
     *
     * @param socketPath for messages
     * @param directory the socket's directory, already open
     * @param allowUnsafe whether the user accepted the risk: then an unsafe layout is only logged
     * @return a description of the risk if the layout is unsafe and allowed, else {@code null}
     */
    static String check(Path socketPath, Directory directory, boolean allowUnsafe) throws IOException
    {
        Path real = directory.path().toRealPath();
        FileStatus opened = directory.status();
        FileStatus atRealPath = Directory.statusOfPath(real);
        if (!opened.sameFileAs(atRealPath))
            throw new SocketBindException(socketPath, "the directory " + directory.path() + " was replaced while it was " +
                "being checked: someone is tampering with it. Use a directory only this server's user can write to",
                BindProblem.UNSAFE_DIRECTORY);
        return checkFrom(socketPath, real, opened, allowUnsafe);
    }

    /**
     * {@link #check} by path, for the portable layer, which has no directory descriptor: the directory and those
     * above it as they are now.
     */
    static String checkByPath(Path socketPath, Path directory, boolean allowUnsafe) throws IOException
    {
        Path real = directory.toRealPath();
        return checkFrom(socketPath, real, Directory.statusOfPath(real), allowUnsafe);
    }

    private static String checkFrom(Path socketPath, Path real, FileStatus opened, boolean allowUnsafe) throws IOException
    {
        int uid = Directory.effectiveUid();
        int gid = Directory.effectiveGid();
        for (Path dir = real; dir != null; dir = dir.getParent())
        {
            FileStatus status = dir == real ? opened : Directory.statusOfPath(dir);
            String risk = riskOf(status, uid, gid);
            if (risk == null)
                continue;
            String problem = "the directory " + dir + " (" + describe(status) + ") " + risk + ", so another local user " +
                "could replace the socket file and receive this server's requests";
            if (allowUnsafe)
                return problem;
            throw new SocketBindException(socketPath, problem + ". Put the socket in a directory that only root and this " +
                "server's user (" + ProcessUser.describe() + ") can write to, such as /run/<app> or $XDG_RUNTIME_DIR, or " +
                "make the directory sticky (chmod +t " + dir + "); or, only if every user who can write there is trusted, " +
                "allow it with allowUnsafeDirectory(true) in the connector's SocketFileOptions", BindProblem.UNSAFE_DIRECTORY);
        }
        return null;
    }

    /**
     * @return why users other than root and this process's could rename entries in a directory, or {@code null}
     */
    static String riskOf(FileStatus directory, int uid, int gid)
    {
        if (directory.uid() != 0 && directory.uid() != uid)
            return "belongs to " + ProcessUser.describe(directory.uid());
        if ((directory.permissions() & FileStatus.S_ISVTX) != 0)
            return null;
        if ((directory.permissions() & 0002) != 0)
            return "can be written by every user and has no sticky bit";
        if ((directory.permissions() & 0020) != 0 && directory.gid() != 0 && directory.gid() != gid)
            return "can be written by " + ProcessUser.describeGroup(directory.gid()) + " and has no sticky bit";
        return null;
    }

    /**
     * @return e.g. {@code mode 0777, owner root (uid 0), group root (gid 0)}
     */
    static String describe(FileStatus status)
    {
        return "mode " + status.octalPermissions() + ", owner " + ProcessUser.name(status.uid()) +
            ", group " + ProcessUser.groupName(status.gid());
    }
}
