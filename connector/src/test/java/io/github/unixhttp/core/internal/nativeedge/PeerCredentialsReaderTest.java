package io.github.unixhttp.core.internal.nativeedge;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.core.PeerCredentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reader gives what the kernel says of each connection's peer; connections whose peer the kernel describes
 * alike (one client process) share one credentials object.
 */
class PeerCredentialsReaderTest
{
    @org.junit.jupiter.api.BeforeEach
    void needsTheLinuxLayer()
    {
        Requirements.requireLinuxLayer("the native credentials reader (pid, groups)");
    }

    @TempDir
    Path tmp;

    @Test
    void connectionsFromOneProcessShareTheirCredentials() throws Exception
    {
        PeerCredentialsReader reader = NativeEdge.peerCredentialsReader();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX))
        {
            server.bind(UnixDomainSocketAddress.of(tmp.resolve("s.sock")));
            try (SocketChannel first = SocketChannel.open(server.getLocalAddress());
                 SocketChannel firstAccepted = server.accept();
                 SocketChannel second = SocketChannel.open(server.getLocalAddress());
                 SocketChannel secondAccepted = server.accept())
            {
                PeerCredentials one = reader.read(firstAccepted);
                PeerCredentials other = reader.read(secondAccepted);
                assertTrue(one.knows(PeerCredentials.Field.PID), "this test needs " + NativeEdge.JVM_OPTIONS + ": " + one);
                assertEquals(ProcessHandle.current().pid(), one.pid());
                assertSame(one, other);
                assertEquals(one, reader.read(firstAccepted));
            }
        }
    }
}
