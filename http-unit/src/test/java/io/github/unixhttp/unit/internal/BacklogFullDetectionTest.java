package io.github.unixhttp.unit.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.core.internal.nativeedge.NativeCallException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The retry tells a full backlog from other connect failures by the exception's type, on real sockets. */
class BacklogFullDetectionTest
{
    @TempDir
    Path tmp;

    @Test
    void aConnectToAFullBacklogIsRecognised() throws Exception
    {
        Path path = tmp.resolve("full.sock");
        List<SocketChannel> queued = new ArrayList<>();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX))
        {
            server.bind(UnixDomainSocketAddress.of(path), 1);
            IOException failure = null;
            for (int i = 0; i < 100 && failure == null; i++)
            {
                SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                queued.add(channel);
                channel.configureBlocking(false);
                try
                {
                    channel.connect(UnixDomainSocketAddress.of(path));
                }
                catch (IOException full)
                {
                    failure = full;
                }
            }
            assertTrue(failure != null, "the backlog filled");
            assertTrue(ConnectRetry.isBacklogFull(failure, UnixSocketAddress.ofPath(path)), failure.toString());
            assertTrue(ConnectRetry.isBacklogFull(new IOException("wrapped", failure), UnixSocketAddress.ofPath(path)),
                "found among the causes");
        }
        finally
        {
            for (SocketChannel channel : queued)
                channel.close();
        }
    }

    @Test
    void aRefusedConnectIsNotRetried() throws Exception
    {
        Path path = tmp.resolve("dead.sock");
        // A socket file nothing listens on: bound, then closed without removing the file.
        ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        dead.bind(UnixDomainSocketAddress.of(path));
        dead.close();
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX))
        {
            channel.configureBlocking(false);
            ConnectException refused = assertThrows(ConnectException.class, () -> channel.connect(UnixDomainSocketAddress.of(path)));
            assertFalse(ConnectRetry.isBacklogFull(refused, UnixSocketAddress.ofPath(path)), refused.toString());
        }
    }

    @Test
    void aConnectToAPathWithNoSocketIsNotRetried() throws Exception
    {
        Path path = tmp.resolve("missing.sock");
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX))
        {
            channel.configureBlocking(false);
            IOException missing = assertThrows(IOException.class, () -> channel.connect(UnixDomainSocketAddress.of(path)));
            assertFalse(ConnectRetry.isBacklogFull(missing, UnixSocketAddress.ofPath(path)), missing.toString());
        }
    }

    @Test
    void theTypedFailureOfAbstractNamesIsRecognised()
    {
        assertTrue(ConnectRetry.isBacklogFull(new NativeCallException("connect(@x)", NativeCallException.EAGAIN, "full"),
            UnixSocketAddress.ofAbstractName("x")));
        assertFalse(ConnectRetry.isBacklogFull(new NativeCallException("connect(@x)", NativeCallException.ECONNREFUSED, "refused"),
            UnixSocketAddress.ofAbstractName("x")));
        assertFalse(ConnectRetry.isBacklogFull(new IOException("Resource temporarily unavailable"), UnixSocketAddress.ofAbstractName("x")),
            "text alone decides nothing");
        assertFalse(ConnectRetry.isBacklogFull(new java.net.SocketException("some other failure"), UnixSocketAddress.ofAbstractName("x")),
            "an abstract name's full backlog comes typed: a plain SocketException is another failure");
    }
}
