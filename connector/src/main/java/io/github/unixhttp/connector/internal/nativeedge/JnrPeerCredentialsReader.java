package io.github.unixhttp.connector.internal.nativeedge;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.function.IntFunction;

import io.github.unixhttp.connector.credentials.PeerCredentials;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
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
    /** Each thread's native memory for the calls: accepts run on many threads at once, and must not allocate. */
    private final ThreadLocal<Scratch> scratch;
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
        this.calls = LibraryLoader.create(SocketOptionCalls.class).load("c");
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(runtime));
        this.userNames = names::userName;
        this.groupNames = names::groupName;
    }

    /** A thread's native memory: the ucred, the option length, and room for the usual number of groups. */
    private static final class Scratch
    {
        final Pointer ucred;
        final Pointer length;
        final Pointer groups;

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
        Scratch memory = scratch.get();
        memory.length.putInt(0, UCRED_SIZE);
        if (calls.getsockopt(fd, LibC.SOL_SOCKET, LibC.SO_PEERCRED, memory.ucred, memory.length) != 0)
            throw new IOException("getsockopt(SO_PEERCRED) failed, errno " + LastError.getLastError(runtime));
        // struct ucred { pid_t pid; uid_t uid; gid_t gid; }, in native order
        int pid = memory.ucred.getInt(0);
        int uid = memory.ucred.getInt(Integer.BYTES);
        int gid = memory.ucred.getInt(2 * Integer.BYTES);
        return PeerCredentials.withNameLookup(pid, uid, gid, groups(fd, memory), userNames, groupNames);
    }

    /**
     * @return the peer's supplementary groups, or {@code null} if the kernel does not offer them
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
