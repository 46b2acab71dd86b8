package io.github.unixhttp.connector.internal.binding;

import io.github.unixhttp.connector.internal.nativeedge.FileStatus;

/**
 * What a takeover writes in the path's lock file, under the lock, when it swaps its socket in: which socket it
 * replaced and which it published, by device and inode. A server that finds another socket of its user at its path
 * drains only if this says a takeover replaced its very socket with the one now there; a hard link to another
 * service's socket (made by an admin, a member of a group that may write the directory, or anyone where
 * {@code fs.protected_hardlinks=0}) has no such record, and is no takeover. The lock file is this user's own and
 * is opened without following links (see {@link StartLock}), so another user cannot write one.
 */
record TakeoverRecord(long replacedDevice, long replacedInode, long publishedDevice, long publishedInode)
{
    private static final String PREFIX = "unixhttp-takeover ";

    static TakeoverRecord of(FileStatus replaced, FileStatus published)
    {
        return new TakeoverRecord(replaced.device(), replaced.inode(), published.device(), published.inode());
    }

    /**
     * @return the record in {@code text}, or {@code null} if there is none (an empty lock file) or it is garbled
     */
    static TakeoverRecord parse(String text)
    {
        if (!text.startsWith(PREFIX) || !text.endsWith("\n"))
            return null;
        String[] fields = text.substring(PREFIX.length(), text.length() - 1).split(" ");
        if (fields.length != 4)
            return null;
        try
        {
            return new TakeoverRecord(Long.parseLong(fields[0]), Long.parseLong(fields[1]), Long.parseLong(fields[2]),
                Long.parseLong(fields[3]));
        }
        catch (NumberFormatException garbled)
        {
            return null;
        }
    }

    String text()
    {
        return PREFIX + replacedDevice + " " + replacedInode + " " + publishedDevice + " " + publishedInode + "\n";
    }

    /** @return whether this records that {@code replaced} was replaced by {@code published} */
    boolean proves(FileStatus replaced, FileStatus published)
    {
        return replaced.device() == replacedDevice && replaced.inode() == replacedInode
            && published.device() == publishedDevice && published.inode() == publishedInode;
    }
}
