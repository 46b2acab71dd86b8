package io.github.unixhttp.examples.demo;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

/**
 * The demo's default home for its socket: a directory only this user can enter, in a shared place such as
 * {@code /tmp}. Anyone can create a name there first, so what is found at the name is looked at itself, never
 * through a link: it must be a directory, owned by this user, mode 0700, or the demo refuses it. (In a sticky
 * directory like {@code /tmp}, once it is ours no one else can rename or replace it.)
 */
final class PrivateDirectory
{
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private PrivateDirectory()
    {
    }

    /**
     * @return {@code dir}, created 0700 if absent, once it is known to be this user's private directory
     * @throws IOException naming what is wrong with it and what to do, if it is anything else
     */
    static Path ofThisUser(Path dir) throws IOException
    {
        try
        {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        }
        catch (FileAlreadyExistsException exists)
        {
            // Ours from an earlier run, or someone else's: the check below tells.
        }
        catch (NoSuchFileException noParent)
        {
            throw new IOException("Cannot create " + dir + " for the demo's socket: " + dir.getParent() +
                " does not exist. Pass --socket PATH, or set TMPDIR to an existing directory", noParent);
        }
        PosixFileAttributes found = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        int owner = (Integer)Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        String problem = null;
        if (found.isSymbolicLink())
            problem = "is a symbolic link (to " + Files.readSymbolicLink(dir) + "), which any user could have planted: " +
                "remove it (the demo then creates a private directory there)";
        else if (!found.isDirectory())
            problem = "is not a directory: remove it if it is yours";
        else if (owner != effectiveUid())
            problem = "belongs to " + found.owner().getName() + " (uid " + owner + "), not to this user (uid " +
                effectiveUid() + "), so it is no private place for the socket";
        else if (!found.permissions().equals(OWNER_ONLY))
            problem = "has mode " + PosixFilePermissions.toString(found.permissions()) + ", but only its owner may enter it: " +
                "chmod 700 " + dir;
        if (problem != null)
            throw new IOException("The demo's default socket directory " + dir + " " + problem + "; or pass --socket PATH");
        return dir;
    }

    /** The uid files are created with: the second field of the {@code Uid:} line of {@code /proc/self/status}. */
    private static int effectiveUid() throws IOException
    {
        List<String> status = Files.readAllLines(Path.of("/proc/self/status"));
        for (String line : status)
            if (line.startsWith("Uid:"))
                return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
        throw new IOException("/proc/self/status has no Uid: line: cannot tell whose the socket directory should be");
    }
}
