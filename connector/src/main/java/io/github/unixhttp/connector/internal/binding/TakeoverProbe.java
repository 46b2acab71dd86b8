package io.github.unixhttp.connector.internal.binding;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

import io.github.unixhttp.core.PeerCredentials;
import io.github.unixhttp.core.internal.nativeedge.Directory;
import io.github.unixhttp.core.internal.nativeedge.NativeEdge;

/**
 * Finds out who listens on a socket before a takeover: connects, and asks the kernel for the credentials of the
 * process that called {@code listen(2)} ({@code SO_PEERCRED} on the connection, as the server side reads its
 * clients'). Those are fixed when the socket starts listening, so a server cannot pass for another user.
 */
final class TakeoverProbe
{
    /** A server with a full backlog refuses with {@code EAGAIN} for a moment; tried again this often, this long. */
    private static final long RETRY_MILLIS = 20;
    private static final long PATIENCE_MILLIS = 1_000;

    private TakeoverProbe()
    {
    }

    /**
     * Who listens on a socket, as far as the kernel says.
     *
     * @param credentials the listening process's credentials: pid, uid and gid, or only names where the JVM does not
     *                    let the native edge read the descriptor
     */
    record Listener(PeerCredentials credentials)
    {
        /**
         * @return whether it runs as this process's effective user; {@code false} if that cannot be told
         */
        boolean sameUser() throws IOException
        {
            int euid = Directory.effectiveUid();
            if (credentials.knows(PeerCredentials.Field.UID))
                return credentials.uid() == euid;
            String ours = NativeEdge.names().userName(euid);
            return ours != null && ours.equals(credentials.userName());
        }

        /** @return e.g. {@code user nobody (uid 65534), pid 1234} */
        String describe()
        {
            String user = credentials.knows(PeerCredentials.Field.UID) ? ProcessUser.describe(credentials.uid())
                : "user " + credentials.userName();
            return credentials.knows(PeerCredentials.Field.PID) ? user + ", pid " + credentials.pid() : user;
        }
    }

    /**
     * @return who listens at {@code address}, or {@code null} if nothing does (the connection is refused)
     * @throws IOException if it cannot be told: the server's backlog stayed full, or the kernel would not say
     */
    static Listener probe(Path address) throws IOException
    {
        long deadline = System.nanoTime() + PATIENCE_MILLIS * 1_000_000;
        IOException lastBusy = null;
        while (true)
        {
            // Opened outside the try: out of descriptors (EMFILE, an untyped SocketException too) fails at once
            // rather than being waited on as a full backlog.
            SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX);
            try (probe)
            {
                // Non-blocking, so that a live server with a full backlog cannot make the start hang.
                probe.configureBlocking(false);
                if (probe.connect(UnixDomainSocketAddress.of(address)))
                    return new Listener(NativeEdge.peerCredentialsReader().read(probe));
            }
            catch (ConnectException refused)
            {
                return null;
            }
            catch (IOException failure)
            {
                // A full backlog (EAGAIN) comes as the JDK's untyped SocketException: wait a little. Anything else
                // (the file gone, out of descriptors, no permission) is no reason to wait: say it at once.
                if (failure.getClass() != SocketException.class)
                    throw failure;
                lastBusy = failure;
            }
            try
            {
                Thread.sleep(RETRY_MILLIS);
            }
            catch (InterruptedException interrupted)
            {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while probing " + address, interrupted);
            }
            if (System.nanoTime() - deadline > 0)
                throw new IOException("the server's backlog stayed full for " + PATIENCE_MILLIS + " ms, so who it is " +
                    "cannot be asked; start again when it is less busy", lastBusy);
        }
    }
}
