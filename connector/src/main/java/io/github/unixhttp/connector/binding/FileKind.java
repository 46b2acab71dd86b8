package io.github.unixhttp.connector.binding;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * What is at a path, without following links. Sockets are told apart from FIFOs and devices by the file type
 * bits, since {@code connect(2)} answers "refused" for all of them and only a socket may ever be removed.
 */
enum FileKind
{
    ABSENT("nothing"),
    SOCKET("a socket"),
    DIRECTORY("a directory"),
    SYMBOLIC_LINK("a symbolic link (unixhttp neither follows nor replaces links)"),
    REGULAR_FILE("a regular file"),
    OTHER("a file that is not a socket (a FIFO or a device)");

    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final int S_IFLNK = 0120000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;

    private final String description;

    FileKind(String description)
    {
        this.description = description;
    }

    String description()
    {
        return description;
    }

    static FileKind of(Path path) throws IOException
    {
        try
        {
            int type = (Integer)Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & S_IFMT;
            return switch (type)
            {
                case S_IFSOCK -> SOCKET;
                case S_IFDIR -> DIRECTORY;
                case S_IFLNK -> SYMBOLIC_LINK;
                case S_IFREG -> REGULAR_FILE;
                default -> OTHER;
            };
        }
        catch (NoSuchFileException absent)
        {
            return ABSENT;
        }
    }

    /**
     * @return the identity (device and inode) of the file at the path, without following links
     */
    static Object identityOf(Path path) throws IOException
    {
        return Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }
}
