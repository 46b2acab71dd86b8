package io.github.unixhttp.connector.internal.binding;

import java.util.ArrayList;
import java.util.List;

import io.github.unixhttp.core.internal.nativeedge.FileStatus;

/**
 * What a takeover writes in the path's lock file, under the lock, when it swaps its socket in: which socket it
 * replaced and which it published, by device and inode (a start that replaces a dead socket writes one too). A server
 * that finds another socket of its user at its path drains only if these records lead from its very socket to the one
 * now there; a hard link to another
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

    /** The lock file keeps this many records, the newest last: enough for any chain a drain has to follow. */
    static final int KEPT = 32;

    /**
     * @return the records in {@code text}, one a line, oldest first; garbled lines are left out
     */
    static List<TakeoverRecord> parseAll(String text)
    {
        List<TakeoverRecord> records = new ArrayList<>();
        for (String line : text.split("\n"))
        {
            TakeoverRecord record = parse(line + "\n");
            if (record != null)
                records.add(record);
        }
        return records;
    }

    /**
     * @return whether the records lead from {@code from} to {@code to}: {@code from} replaced by a socket that was
     *         replaced in turn ..., up to {@code to} (a server taken over while the one it replaced had not looked yet,
     *         or replaced as a dead socket after its server died)
     */
    static boolean chainLeads(List<TakeoverRecord> records, FileStatus from, FileStatus to)
    {
        long device = from.device();
        long inode = from.inode();
        for (int steps = 0; steps < records.size(); steps++)
        {
            TakeoverRecord next = null;
            for (TakeoverRecord record : records)
            {
                if (record.replacedDevice == device && record.replacedInode == inode)
                    next = record;
            }
            if (next == null)
                return false;
            device = next.publishedDevice;
            inode = next.publishedInode;
            if (device == to.device() && inode == to.inode())
                return true;
        }
        return false;
    }

    /**
     * @return the record in {@code text} (one line), or {@code null} if there is none or it is garbled
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
}
