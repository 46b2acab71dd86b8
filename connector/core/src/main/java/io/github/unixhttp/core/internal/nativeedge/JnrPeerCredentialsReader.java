package io.github.unixhttp.core.internal.nativeedge;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.function.IntFunction;

import io.github.unixhttp.core.PeerCredentials;
import jnr.ffi.LastError;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * Everything the kernel knows: {@code getsockopt(SO_PEERCRED)} for pid, uid and gid, {@code SO_PEERGROUPS}
 * (Linux 4.13+) for the supplementary groups, on the channel's own descriptor. For JDK channels whose
 * descriptor is out of reach (no {@code --add-exports}), the JDK's names-only reading stands in.
 */
final class JnrPeerCredentialsReader implements PeerCredentialsReader
{
    private static final int UCRED_SIZE = 12;
    private static final int USUAL_GROUP_COUNT = 32;
    /** PeerCredentials copies what it is given, so one empty array serves every peer without groups. */
    private static final int[] NO_GROUPS = new int[0];

    private final ChannelFds fds;
    private final Runtime runtime;
    private final SocketOptionCalls calls;
    /**
     * Native memory for the calls, a few pieces each guarded by its own lock and picked by thread: accepts run on
     * many threads at once and should neither allocate nor wait on each other, and a piece per thread would keep
     * memory for every pool thread that ever accepted.
     */
    private final Scratch[] scratch;
    /** Made once: each connection's credentials look names up through these when first asked. */
    private final IntFunction<String> userNames;
    private final IntFunction<String> groupNames;
    private final PeerCredentialsReader jdkFallback;

    /**
     * @param jdkFallback for JDK channels whose descriptor we may not see
     */
    JnrPeerCredentialsReader(ChannelFds fds, LibC libc, NameService names, PeerCredentialsReader jdkFallback)
    {
        this.fds = fds;
        this.jdkFallback = jdkFallback;
        this.runtime = Runtime.getRuntime(libc);
        this.calls = NativeEdge.bindC(SocketOptionCalls.class);
        this.scratch = new Scratch[Integer.highestOneBit(Math.max(1, java.lang.Runtime.getRuntime().availableProcessors()) * 4)];
        for (int i = 0; i < scratch.length; i++)
            scratch[i] = new Scratch(runtime);
        this.userNames = names::userName;
        this.groupNames = names::groupName;
    }

    /** Native memory for one read: the ucred, the option length, and room for the usual number of groups. */
    private static final class Scratch
    {
        final Pointer ucred;
        final Pointer length;
        final Pointer groups;
        /** The last credentials read here, and what they were read from: see {@link #read}. */
        PeerCredentials last;
        int lastPid;
        int lastUid;
        int lastGid;
        int[] lastGroups;

        Scratch(Runtime runtime)
        {
            ucred = Memory.allocateDirect(runtime, UCRED_SIZE);
            length = Memory.allocateDirect(runtime, Integer.BYTES);
            groups = Memory.allocateDirect(runtime, USUAL_GROUP_COUNT * Integer.BYTES);
        }
    }

    @Override
    public PeerCredentials read(SocketChannel channel) throws IOException
    {
        if (!fds.canRead(channel))
            return jdkFallback.read(channel);
        int fd = fds.fdOf(channel);
        Scratch memory = scratch[(int)Thread.currentThread().getId() & (scratch.length - 1)];
        synchronized (memory)
        {
            memory.length.putInt(0, UCRED_SIZE);
            if (calls.getsockopt(fd, LibC.SOL_SOCKET, LibC.SO_PEERCRED, memory.ucred, memory.length) != 0)
                throw new IOException("getsockopt(SO_PEERCRED) failed, errno " + LastError.getLastError(runtime));
            // struct ucred { pid_t pid; uid_t uid; gid_t gid; }, in native order
            int pid = memory.ucred.getInt(0);
            int uid = memory.ucred.getInt(Integer.BYTES);
            int gid = memory.ucred.getInt(2 * Integer.BYTES);
            int[] groups = groups(fd, memory);
            // A client's connections come from a few processes (a proxy's workers, a pool in one process): when the
            // kernel says what it said last time here, the credentials are those, and one immutable object serves
            // both connections. Saves an object per connection, idle ones included, and looks names up once.
            PeerCredentials last = memory.last;
            if (last != null && groups == memory.lastGroups && pid == memory.lastPid && uid == memory.lastUid && gid == memory.lastGid)
                return last;
            PeerCredentials read = PeerCredentials.withNameLookup(pid, uid, gid, groups, userNames, groupNames);
            memory.last = read;
            memory.lastPid = pid;
            memory.lastUid = uid;
            memory.lastGid = gid;
            memory.lastGroups = groups;
            return read;
        }
    }

    /** @return whether the {@code count} groups in native memory are those in {@code known} */
    private static boolean sameGroups(int[] known, Pointer buffer, int count)
    {
        if (known == null || known.length != count)
            return false;
        for (int i = 0; i < count; i++)
        {
            if (buffer.getInt((long)i * Integer.BYTES) != known[i])
                return false;
        }
        return true;
    }

    /**
     * @return the peer's supplementary groups, or {@code null} if the kernel does not offer them; the memory's last
     *         groups array itself if they are the same (never changed: PeerCredentials copies what it is given);
     *         called holding the memory's lock
     */
    private int[] groups(int fd, Scratch memory)
    {
        Pointer buffer = memory.groups;
        int capacity = USUAL_GROUP_COUNT * Integer.BYTES;
        while (true)
        {
            memory.length.putInt(0, capacity);
            if (calls.getsockopt(fd, LibC.SOL_SOCKET, LibC.SO_PEERGROUPS, buffer, memory.length) == 0)
            {
                int count = memory.length.getInt(0) / Integer.BYTES;
                if (count == 0)
                    return NO_GROUPS;
                if (buffer == memory.groups && sameGroups(memory.lastGroups, buffer, count))
                    return memory.lastGroups;
                int[] groups = new int[count];
                buffer.get(0, groups, 0, count);
                return groups;
            }
            // ERANGE: the kernel wrote the size it needs into length; a peer with that many groups is rare, so the
            // larger memory is not kept.
            int needed = memory.length.getInt(0);
            if (LastError.getLastError(runtime) != LibC.ERANGE || needed <= capacity)
                return null;
            capacity = needed;
            buffer = Memory.allocateDirect(runtime, capacity);
        }
    }
}
