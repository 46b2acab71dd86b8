package io.github.unixhttp.core.internal.portable;

import java.io.IOException;
import java.nio.channels.SocketChannel;

import io.github.unixhttp.core.PeerCredentials;
import io.github.unixhttp.core.internal.nativeedge.PeerCredentialsReader;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The portable layer's credentials: the JDK's own {@code SO_PEERCRED} (Linux, macOS), user and group with their ids
 * where {@link PrincipalIds} can prove them; no pid and no supplementary groups (the JDK gives neither).
 */
public final class PortablePeerCredentialsReader implements PeerCredentialsReader
{
    /** @return whether the JDK reads a peer's credentials on this system (not on Windows) */
    public static boolean supported()
    {
        try (SocketChannel probe = SocketChannel.open(java.net.StandardProtocolFamily.UNIX))
        {
            return probe.supportedOptions().contains(ExtendedSocketOptions.SO_PEERCRED);
        }
        catch (IOException | UnsupportedOperationException unavailable)
        {
            return false;
        }
    }

    @Override
    public PeerCredentials read(SocketChannel channel) throws IOException
    {
        UnixDomainPrincipal principal = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
        int uid = PrincipalIds.idOf(principal.user());
        int gid = PrincipalIds.idOf(principal.group());
        if (uid < 0 || gid < 0)
            return PeerCredentials.ofNames(principal.user().getName(), principal.group().getName());
        return PeerCredentials.ofUserAndGroup(uid, gid, principal.user().getName(), principal.group().getName());
    }
}
