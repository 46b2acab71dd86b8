package io.github.unixhttp.core.internal.nativeedge;

import java.util.concurrent.ConcurrentHashMap;

import io.github.unixhttp.core.PeerProcess;

/**
 * What was last read of a process, keyed by its pidfd's inode: on pidfs (Linux 6.9+, 64-bit) that number names one
 * process for the whole boot and is never given to another, unlike a pid. A process that opens many connections is
 * then read once per {@link #TTL_NANOS}: reading its executable and cgroup costs more than the rest of an accept.
 * <p>
 * What this gives up, and why it is acceptable: a process that replaces its program ({@code execve}) or is moved to
 * another cgroup within that time is still seen as it was. Its connections were made by the program that was
 * allowed, and that program chose what runs next in its place (and could hand on its descriptors anyway).
 * <p>
 * Bounded: at {@link #MAX_ENTRIES} the map is emptied, so a caller churning through processes costs reads, never memory.
 */
final class PeerProcessCache
{
    /** How long a process's executable and cgroup are believed without reading them again: 1 s. */
    static final long TTL_NANOS = 1_000_000_000L;
    static final int MAX_ENTRIES = 4096;

    private record Entry(PeerProcess process, long readAtNanos)
    {
    }

    private final ConcurrentHashMap<Long, Entry> entries = new ConcurrentHashMap<>();

    /**
     * @param pidfdInode the inode of a pidfd for the process
     * @param pid the process's pid as this connection's credentials give it: an entry for another pid is not used
     * @return the process as read less than {@link #TTL_NANOS} ago, or {@code null}
     */
    PeerProcess get(long pidfdInode, int pid, long nowNanos)
    {
        Entry entry = entries.get(pidfdInode);
        if (entry == null || entry.process().pid() != pid || nowNanos - entry.readAtNanos() >= TTL_NANOS)
            return null;
        return entry.process();
    }

    void put(long pidfdInode, PeerProcess process, long nowNanos)
    {
        if (entries.size() >= MAX_ENTRIES)
            entries.clear();
        entries.put(pidfdInode, new Entry(process, nowNanos));
    }

    int size()
    {
        return entries.size();
    }
}
