package io.github.unixhttp.connector.internal;

import java.io.IOException;
import java.nio.channels.SocketChannel;

import io.github.unixhttp.core.PeerCredentials;
import io.github.unixhttp.core.internal.nativeedge.PeerCredentialsReader;
import io.github.unixhttp.core.internal.nativeedge.PeerProcessException;
import io.github.unixhttp.core.internal.nativeedge.PeerProcessReader;

/**
 * Credentials with the peer's process, for connectors whose policy decides by the calling program or that were asked
 * to read it: a pidfd per connection (a pid is reused, a pidfd pins one process), what was read of that process
 * remembered for a second by the pidfd's inode, never by pid (see PeerProcessReader). A process
 * that cannot be read is said so in the credentials, and the policy refuses on that, with the reason in its log line.
 */
final class PeerProcessReading implements PeerCredentialsReader
{
    private final PeerCredentialsReader credentials;
    private final PeerProcessReader processes;

    PeerProcessReading(PeerCredentialsReader credentials, PeerProcessReader processes)
    {
        this.credentials = credentials;
        this.processes = processes;
    }

    @Override
    public PeerCredentials read(SocketChannel channel) throws IOException
    {
        PeerCredentials peer = credentials.read(channel);
        try
        {
            return peer.withProcess(processes.read(channel, Math.max(peer.pid(), 0)));
        }
        catch (PeerProcessException unknown)
        {
            return peer.withUnknownProcess(unknown.getMessage());
        }
    }
}
