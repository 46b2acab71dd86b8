package io.github.unixhttp.connector.internal.binding;

import io.github.unixhttp.core.internal.nativeedge.FileStatus;

/**
 * What is at a path, by its file type bits, not following links. Sockets are told apart from FIFOs and devices
 * this way, since {@code connect(2)} answers "refused" for all of them and only a socket may ever be removed.
 */
public enum FileKind
{
    ABSENT("nothing"),
    SOCKET("a socket"),
    DIRECTORY("a directory"),
    SYMBOLIC_LINK("a symbolic link (unixhttp neither follows nor replaces links)"),
    REGULAR_FILE("a regular file"),
    FIFO("a FIFO"),
    OTHER("a file that is not a socket (a device)");


    private final String description;

    FileKind(String description)
    {
        this.description = description;
    }

    String description()
    {
        return description;
    }

    /**
     * @param status what {@code lstat} said, or {@code null} if nothing is there
     */
    static FileKind of(FileStatus status)
    {
        if (status == null)
            return ABSENT;
        return switch (status.type())
        {
            case FileStatus.S_IFSOCK -> SOCKET;
            case FileStatus.S_IFDIR -> DIRECTORY;
            case FileStatus.S_IFLNK -> SYMBOLIC_LINK;
            case FileStatus.S_IFREG -> REGULAR_FILE;
            case FileStatus.S_IFIFO -> FIFO;
            default -> OTHER;
        };
    }
}
