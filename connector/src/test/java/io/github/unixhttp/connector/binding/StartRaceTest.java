package io.github.unixhttp.connector.binding;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.testing.BindFailures;
import io.github.unixhttp.testing.ChildJvm;
import io.github.unixhttp.testing.Exchange;
import io.github.unixhttp.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Races and faults around one socket path: concurrent starters, a killed server, someone else's socket.
 */
class StartRaceTest
{
    private static final int ROUNDS = 50;

    @TempDir
    Path dir;

    @Test
    void twoConnectorsStartedAtOnceInOneJvmLeaveExactlyOneServing() throws Exception
    {
        Path socket = dir.resolve("app.sock");
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try
        {
            for (int round = 0; round < ROUNDS; round++)
            {
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<Object>> starts = new ArrayList<>();
                for (int i = 0; i < 2; i++)
                {
                    starts.add(threads.submit(() ->
                    {
                        together.await();
                        try
                        {
                            return TestServer.start(socket);
                        }
                        catch (Exception failure)
                        {
                            return failure;
                        }
                    }));
                }
                List<TestServer> winners = new ArrayList<>();
                List<Exception> losers = new ArrayList<>();
                for (Future<Object> start : starts)
                {
                    Object outcome = start.get(30, TimeUnit.SECONDS);
                    if (outcome instanceof TestServer winner)
                        winners.add(winner);
                    else
                        losers.add((Exception)outcome);
                }
                try
                {
                    assertEquals(1, winners.size(), "round " + round + ": " + losers);
                    assertTrue(String.valueOf(BindFailures.bindMessage(losers.get(0))).contains("in use by a live server"),
                        "round " + round + ": " + losers.get(0));
                    assertTrue(Exchange.get(socket, "/").endsWith("hello"), "round " + round + ": the winner does not serve");
                }
                finally
                {
                    for (TestServer winner : winners)
                        winner.close();
                }
                assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "round " + round + ": the stopped winner left its socket");
            }
        }
        finally
        {
            threads.shutdownNow();
        }
    }

    @Test
    void twoServerProcessesStartedAtOnceLeaveExactlyOneServing() throws Exception
    {
        Path socket = dir.resolve("app.sock");
        try (ChildJvm first = ChildJvm.start(false, null, "race", socket.toString());
             ChildJvm second = ChildJvm.start(false, null, "race", socket.toString()))
        {
            int firstWins = 0;
            for (int round = 0; round < ROUNDS; round++)
            {
                first.send("go");
                second.send("go");
                String a = first.readLine();
                String b = second.readLine();
                assertTrue(a.equals("WON") ^ b.equals("WON"), "round " + round + ": " + a + " / " + b);
                String loss = a.equals("WON") ? b : a;
                assertTrue(loss.startsWith("LOST ") && loss.contains("in use by a live server"), "round " + round + ": " + loss);
                assertTrue(Exchange.get(socket, "/").endsWith("hello"), "round " + round + ": the winner does not serve");
                firstWins += a.equals("WON") ? 1 : 0;
                first.send("stop");
                second.send("stop");
                assertEquals("STOPPED", first.readLine());
                assertEquals("STOPPED", second.readLine());
                assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "round " + round + ": the stopped winner left its socket");
            }
            System.out.println("Cross-process start race: " + ROUNDS + " rounds, first process won " + firstWins + ", second " + (ROUNDS - firstWins));
        }
    }

    @Test
    void socketLeftByAKilledServerIsReplacedOnRestart() throws Exception
    {
        Path socket = dir.resolve("app.sock");
        try (ChildJvm killed = ChildJvm.start(false, null, "serve", socket.toString()))
        {
            assertEquals("LISTENING", killed.readLine());
            killed.kill();
        }
        assertTrue(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "kill -9 should have left the socket file behind");
        try (TestServer restarted = TestServer.start(socket))
        {
            assertTrue(Exchange.get(socket, "/").endsWith("hello"));
            assertEquals(1, restarted.handler().handled());
        }
    }

    @Test
    void stoppingLeavesASocketSomeoneElseBoundAtThePathAfterUs() throws Exception
    {
        Path socket = dir.resolve("app.sock");
        TestServer ours = TestServer.start(socket);
        try (ServerSocketChannel theirs = ServerSocketChannel.open(StandardProtocolFamily.UNIX))
        {
            // Someone removes our file and binds their own socket at the same path while we run.
            Files.delete(socket);
            theirs.bind(UnixDomainSocketAddress.of(socket));
            ours.close();
            assertTrue(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "stopping removed someone else's socket");
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket)))
            {
                assertTrue(client.isConnected());
            }
        }
    }
}
