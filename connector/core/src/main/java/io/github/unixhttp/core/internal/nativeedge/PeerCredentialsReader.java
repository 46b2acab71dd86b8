package io.github.unixhttp.core.internal.nativeedge;

import java.io.IOException;
import java.nio.channels.SocketChannel;

import io.github.unixhttp.core.PeerCredentials;

/**
 * Reads the credentials of the peer of an accepted Unix socket channel. Get one from {@link NativeEdge}.
 */
public interface PeerCredentialsReader
{
    /**
     * @return the peer's credentials, as far as this reader can know them
     * @throws IOException if the kernel would not say (the connection is then of no use anyway)
     */
    PeerCredentials read(SocketChannel channel) throws IOException;
}
