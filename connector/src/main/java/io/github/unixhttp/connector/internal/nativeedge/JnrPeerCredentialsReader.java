package io.github.unixhttp.connector.internal.nativeedge;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.util.EnumSet;
import java.util.function.IntFunction;

import io.github.unixhttp.connector.credentials.PeerCredentials;
import jnr.ffi.LastError;
import jnr.ffi.Runtime;
import jnr.ffi.byref.IntByReference;

/**
 * Everything the kernel knows: {@code getsockopt(SO_PEERCRED)} for pid, uid and gid, {@code SO_PEERGROUPS}
 * (Linux 4.13+) for the supplementary groups, on the channel's own descriptor. For JDK channels whose
 * descriptor is out of reach (no {@code --add-exports}), the JDK's names-only reading stands in.
 */
final class JnrPeerCredentialsReader implements PeerCredentialsReader
{
    private static final int UCRED_SIZE = 12;
    private static final int USUAL_GROUP_COUNT = 32;

    private final ChannelFds fds;
    private final LibC libc;
    private final Runtime runtime;
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
        this.libc = libc;
        this.runtime = Runtime.getRuntime(libc);
        this.userNames = names::userName;
        this.groupNames = names::groupName;
    }

    @Override
    public PeerCredentials read(SocketChannel channel) throws IOException
    {
        if (!fds.canRead(channel))
            return jdkFallback.read(channel);
        int fd = fds.fdOf(channel);
        byte[] ucred = new byte[UCRED_SIZE];
        IntByReference length = new IntByReference(UCRED_SIZE);
        if (libc.getsockopt(fd, LibC.SOL_SOCKET, LibC.SO_PEERCRED, ucred, length) != 0)
            throw new IOException("getsockopt(SO_PEERCRED) failed, errno " + LastError.getLastError(runtime));
        ByteBuffer fields = ByteBuffer.wrap(ucred).order(ByteOrder.nativeOrder());
        int pid = fields.getInt();
        int uid = fields.getInt();
        int gid = fields.getInt();
        return PeerCredentials.withNameLookup(pid, uid, gid, groups(fd), userNames, groupNames);
    }

    /**
     * @return the peer's supplementary groups, or {@code null} if the kernel does not offer them
     */
    private int[] groups(int fd)
    {
        int capacity = USUAL_GROUP_COUNT;
        while (true)
        {
            byte[] buffer = new byte[capacity * Integer.BYTES];
            IntByReference length = new IntByReference(buffer.length);
            if (libc.getsockopt(fd, LibC.SOL_SOCKET, LibC.SO_PEERGROUPS, buffer, length) == 0)
            {
                int[] groups = new int[length.intValue() / Integer.BYTES];
                ByteBuffer.wrap(buffer).order(ByteOrder.nativeOrder()).asIntBuffer().get(groups);
                return groups;
            }
            // ERANGE: the kernel wrote the size it needs into length.
            if (LastError.getLastError(runtime) != LibC.ERANGE || length.intValue() <= buffer.length)
                return null;
            capacity = length.intValue() / Integer.BYTES;
        }
    }
}
