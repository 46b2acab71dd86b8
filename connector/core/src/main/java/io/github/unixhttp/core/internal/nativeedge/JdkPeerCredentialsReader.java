package io.github.unixhttp.core.internal.nativeedge;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.EnumSet;

import io.github.unixhttp.core.PeerCredentials;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The fallback: the JDK's own {@code SO_PEERCRED}, which gives the peer's user and group names but no pid, no
 * numeric ids and no supplementary groups.
 */
final class JdkPeerCredentialsReader implements PeerCredentialsReader
{
    @Override
    public PeerCredentials read(SocketChannel channel) throws IOException
    {
        UnixDomainPrincipal principal = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
        return PeerCredentials.ofNames(principal.user().getName(), principal.group().getName());
    }
}
