package io.github.unixhttp.core.internal.nativeedge;

/**
 * What {@code stat(2)} says of a file: its type, permission bits, owner and identity (device and inode).
 *
 * @param type the file type bits ({@code st_mode & S_IFMT})
 * @param permissions the permission bits including set-id and sticky ({@code st_mode & 07777})
 * @param uid the owner
 * @param gid the group
 * @param device the device the file lives on
 * @param inode the inode number; with {@code device}, the file's identity
 */
public record FileStatus(int type, int permissions, int uid, int gid, long device, long inode)
{
    public static final int S_IFMT = 0170000;
    public static final int S_IFSOCK = 0140000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFIFO = 0010000;
    public static final int S_ISVTX = 01000;

    public boolean isSocket()
    {
        return type == S_IFSOCK;
    }

    public boolean isDirectory()
    {
        return type == S_IFDIR;
    }

    public boolean isRegularFile()
    {
        return type == S_IFREG;
    }

    public boolean isSymbolicLink()
    {
        return type == S_IFLNK;
    }

    /**
     * @return whether {@code other} is the same file (same device and inode)
     */
    public boolean sameFileAs(FileStatus other)
    {
        // A status without identity (a file system without inodes) is never the same file as anything.
        return other != null && inode >= 0 && device == other.device && inode == other.inode;
    }

    /**
     * @return the permission bits as four octal digits, e.g. {@code 1777}
     */
    public String octalPermissions()
    {
        return String.format("%04o", permissions);
    }
}
