package io.github.unixhttp.unit.internal.apache;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.unit.ServerIdentityCheck;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.DefaultConnectingIOReactor;
import org.apache.hc.core5.reactor.IOEventHandler;
import org.apache.hc.core5.reactor.IOSession;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The async client's initiator on a real I/O reactor and a real socket whose backlog is full: cancelling the
 * future it returned stops the connect for good, and leaves no connection open. (When it was a stack of three initiators, the outer future was
 * not linked to the retrying one: a cancelled connect went on retrying and, once the backlog drained, connected
 * a session nobody would ever close.)
 */
class UnixSocketInitiatorTest
{
    @TempDir
    Path tmp;
    private ServerSocketChannel stuck;
    private final List<SocketChannel> queued = new ArrayList<>();
    private int waiting;
    private UnixSocketAddress address;
    private DefaultConnectingIOReactor reactor;

    @BeforeEach
    void fillTheBacklog() throws Exception
    {
        Path socket = tmp.resolve("stuck.sock");
        stuck = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        stuck.bind(UnixDomainSocketAddress.of(socket), 1);
        stuck.configureBlocking(false);
        address = UnixSocketAddress.ofPath(socket);
        try
        {
            for (int i = 0; i < 100; i++)
            {
                SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                queued.add(channel);
                channel.configureBlocking(false);
                channel.connect(UnixDomainSocketAddress.of(socket));
                waiting++;
            }
            throw new AssertionError("the backlog never filled");
        }
        catch (IOException full)
        {
            // EAGAIN: the backlog is full, as wanted
        }
        reactor = new DefaultConnectingIOReactor((session, attachment) -> new Idle());
        reactor.start();
    }

    @AfterEach
    void release() throws Exception
    {
        reactor.close(CloseMode.IMMEDIATE);
        for (SocketChannel channel : queued)
            channel.close();
        stuck.close();
    }

    @Test
    void aCancelledConnectLeavesNothingOpen() throws Exception
    {
        UnixSocketInitiator initiator = new UnixSocketInitiator(reactor, address, ServerIdentityCheck.sameUser());
        Future<IOSession> connecting = initiator.connect(new org.apache.hc.core5.http.HttpHost("localhost"), UnixDomainSocketAddress.of(address.path()), null, Timeout.ofSeconds(30),
            null, null);
        Thread.sleep(200);
        assertFalse(connecting.isDone(), () -> "the connect did not wait on the full backlog: " + outcome(connecting));
        assertTrue(connecting.cancel(true));
        // The test's own queued connections end here, so every connection the server takes from now on must end too.
        for (SocketChannel channel : queued)
            channel.close();
        // Drain the backlog for a while. Besides the queued connections, at most the one attempt that was under way
        // may arrive: the reactor looks at the cancel before it connects, not atomically with it, so an attempt that
        // passed that look just as the caller cancelled connects once the backlog has room. It must be closed at once,
        // and nothing may follow it (the bug this guards against retried on and left a session open).
        int accepted = 0;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_000);
        while (System.nanoTime() < deadline)
        {
            SocketChannel connection = stuck.accept();
            if (connection == null)
            {
                Thread.sleep(10);
                continue;
            }
            accepted++;
            try (connection)
            {
                assertTrue(endsWithin(connection, 2_000), "a connection the server took after the cancel was left open");
            }
        }
        assertTrue(accepted >= waiting, "the queued connections never arrived: " + accepted + " of " + waiting);
        assertTrue(accepted <= waiting + 1, "the cancelled connect went on after the cancel and connected " + (accepted - waiting) + " times");
    }

    /** Whether the peer closes the connection (an end of stream arrives) within the given time. */
    private static boolean endsWithin(SocketChannel connection, long millis) throws Exception
    {
        connection.configureBlocking(false);
        ByteBuffer into = ByteBuffer.allocate(256);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < deadline)
        {
            into.clear();
            if (connection.read(into) < 0)
                return true;
            Thread.sleep(5);
        }
        return false;
    }

    private static String outcome(Future<IOSession> done)
    {
        try
        {
            return String.valueOf(done.get());
        }
        catch (Exception failure)
        {
            return failure.toString();
        }
    }

    private static final class Idle implements IOEventHandler
    {
        @Override
        public void connected(IOSession session)
        {
        }

        @Override
        public void inputReady(IOSession session, ByteBuffer src)
        {
        }

        @Override
        public void outputReady(IOSession session)
        {
        }

        @Override
        public void timeout(IOSession session, Timeout timeout)
        {
        }

        @Override
        public void exception(IOSession session, Exception cause)
        {
        }

        @Override
        public void disconnected(IOSession session)
        {
        }
    }
}
