package io.github.unixhttp.connector.internal;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.unixhttp.core.internal.ListeningSocket;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The selector acceptor on a real Jetty selector and a real listening socket. */
class SelectorAcceptorTest
{
    @TempDir
    Path tmp;

    private final QueuedThreadPool threads = new QueuedThreadPool();
    private final ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler();
    private TestSelectors selectors;
    private ServerSocketChannel server;
    private ListeningSocket listening;
    private final List<SocketChannel> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception
    {
        threads.start();
        scheduler.start();
        selectors = new TestSelectors(threads, scheduler);
        selectors.start();
        Path path = tmp.resolve("s");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path), 64);
        server.configureBlocking(false);
        listening = new ListeningSocket(server, UnixDomainSocketAddress.of(path))
        {
        };
    }

    @AfterEach
    void stop() throws Exception
    {
        for (SocketChannel client : clients)
            client.close();
        listening.close();
        selectors.stop();
        scheduler.stop();
        threads.stop();
    }

    private SocketChannel connect() throws IOException
    {
        SocketChannel client = SocketChannel.open(listening.localAddress());
        clients.add(client);
        return client;
    }

    @Test
    void everyConnectionQueuedBeforeTheStartIsHandedOff() throws Exception
    {
        for (int i = 0; i < 5; i++)
            connect();
        BlockingQueue<SocketChannel> accepted = new LinkedBlockingQueue<>();
        SelectorAcceptor acceptor = new SelectorAcceptor(selectors.any(), listening, accepted::add, scheduler,
            new AcceptBackoff(listening));
        acceptor.start();
        for (int i = 0; i < 5; i++)
            assertNotNull(accepted.poll(10, TimeUnit.SECONDS), "connection " + i + " handed off");
        acceptor.close();
        accepted.forEach(SelectorAcceptorTest::closeQuietly);
    }

    @Test
    void aConnectionTheHandoffRejectsIsClosedAndTheNextIsStillAccepted() throws Exception
    {
        BlockingQueue<SocketChannel> accepted = new LinkedBlockingQueue<>();
        AtomicInteger offered = new AtomicInteger();
        SelectorAcceptor acceptor = new SelectorAcceptor(selectors.any(), listening, channel ->
        {
            if (offered.incrementAndGet() == 1)
                throw new IOException("the first connection is rejected by the test");
            accepted.add(channel);
        }, scheduler, new AcceptBackoff(listening));
        acceptor.start();
        awaitClosedByPeer(connect());
        connect();
        assertNotNull(accepted.poll(10, TimeUnit.SECONDS), "the next connection is handed off");
        acceptor.close();
        accepted.forEach(SelectorAcceptorTest::closeQuietly);
    }

    @Test
    void afterCloseNothingMoreIsAccepted() throws Exception
    {
        BlockingQueue<SocketChannel> accepted = new LinkedBlockingQueue<>();
        ManagedSelector selector = selectors.any();
        SelectorAcceptor acceptor = new SelectorAcceptor(selector, listening, accepted::add, scheduler, new AcceptBackoff(listening));
        acceptor.start();
        connect();
        assertNotNull(accepted.poll(10, TimeUnit.SECONDS));
        acceptor.close();
        // A connection being accepted as close() runs may still be taken (its Javadoc says so); one that comes after
        // the selector has run the withdrawal (an update submitted after close()'s has run, so its has) may not.
        CountDownLatch withdrawn = new CountDownLatch(1);
        selector.submit(ignored -> withdrawn.countDown());
        assertTrue(withdrawn.await(10, TimeUnit.SECONDS), "the selector never ran the withdrawal");
        connect();
        assertNull(accepted.poll(500, TimeUnit.MILLISECONDS), "a connection after close stays in the backlog");
        SocketChannel stillQueued = server.accept();
        assertNotNull(stillQueued, "the kernel still queued it");
        stillQueued.close();
        accepted.forEach(SelectorAcceptorTest::closeQuietly);
    }

    private static void awaitClosedByPeer(SocketChannel client) throws Exception
    {
        client.configureBlocking(false);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int read = 0;
        while (read == 0 && System.nanoTime() < deadline)
        {
            read = client.read(ByteBuffer.allocate(1));
            if (read == 0)
                Thread.sleep(10);
        }
        assertEquals(-1, read, "the rejected connection is closed");
    }

    private static void closeQuietly(SocketChannel channel)
    {
        try
        {
            channel.close();
        }
        catch (IOException ignored)
        {
            // Test cleanup.
        }
    }

    /** Jetty's selectors, only for their threads: nothing here creates endpoints. */
    private static final class TestSelectors extends SelectorManager
    {
        TestSelectors(QueuedThreadPool executor, ScheduledExecutorScheduler scheduler)
        {
            super(executor, scheduler, 1);
        }

        ManagedSelector any()
        {
            return chooseSelector();
        }

        @Override
        protected EndPoint newEndPoint(SelectableChannel channel, ManagedSelector selector, SelectionKey key)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public Connection newConnection(SelectableChannel channel, EndPoint endPoint, Object attachment)
        {
            throw new UnsupportedOperationException();
        }
    }
}
