package io.github.unixhttp.core.internal.nativeedge;

import java.nio.file.Path;

import io.github.unixhttp.core.PeerProcess;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeerProcessCacheTest
{
    private static final PeerProcess NGINX = PeerProcess.of(4321, Path.of("/usr/sbin/nginx"), "/system.slice/nginx.service");

    @Test
    void aProcessIsBelievedForOneTtlAfterItWasRead()
    {
        PeerProcessCache cache = new PeerProcessCache();
        cache.put(77, NGINX, 1_000);
        assertEquals(NGINX, cache.get(77, 4321, 1_000 + PeerProcessCache.TTL_NANOS - 1));
        assertNull(cache.get(77, 4321, 1_000 + PeerProcessCache.TTL_NANOS), "read again once the TTL is over");
    }

    @Test
    void anEntryIsNotUsedForAnotherPidOrAnotherPidfdInode()
    {
        PeerProcessCache cache = new PeerProcessCache();
        cache.put(77, NGINX, 0);
        assertNull(cache.get(77, 4322, 1), "the credentials name another process");
        assertNull(cache.get(78, 4321, 1), "another process (a pid reused) has another pidfd inode");
    }

    @Test
    void aCallerChurningThroughProcessesCostsReadsNotMemory()
    {
        PeerProcessCache cache = new PeerProcessCache();
        for (int inode = 1; inode <= PeerProcessCache.MAX_ENTRIES * 3 + 5; inode++)
        {
            cache.put(inode, PeerProcess.of(inode, null, null), 0);
            assertTrue(cache.size() <= PeerProcessCache.MAX_ENTRIES, "entries: " + cache.size());
        }
    }
}
