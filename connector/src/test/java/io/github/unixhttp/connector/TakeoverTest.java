package io.github.unixhttp.connector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.connector.binding.BindProblem;
import io.github.unixhttp.connector.binding.SocketBindException;
import io.github.unixhttp.testing.ChildJvm;
import io.github.unixhttp.testing.Run;
import io.github.unixhttp.testing.LogCapture;
import io.github.unixhttp.testing.Exchange;
import io.github.unixhttp.testing.TestHandler;
import io.github.unixhttp.testing.TestServer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The connector's takeover: a new server publishes its socket only once it has started, so that one failing to
 * start never takes the path; the replaced one drains, tells its {@link SocketReplacedListener}s, and then does
 * what {@link WhenReplaced} says.
 */
class TakeoverTest
{
    @org.junit.jupiter.api.BeforeEach
    void needsTheLinuxLayer()
    {
        Requirements.requireLinuxLayer("the takeover (renameat2 RENAME_EXCHANGE)");
    }

    @TempDir
    Path dir;

    @Test
    void aServerThatFailsToStartAfterItsTakeoverBeganLeavesTheOldOneServing() throws Exception
    {
        Path path = dir.resolve("app.sock");
        // The old server in a process of its own, as in a deployment.
        try (ChildJvm old = ChildJvm.start(false, null, "serve", path.toString()))
        {
            assertEquals("LISTENING", old.readLine());
            Object before = inode(path);
            Server server = new Server();
            UnixSocketConnector takeover = new UnixSocketConnector(server);
            takeover.setSocketPath(path);
            takeover.setSocketFile(SocketFileOptions.builder().takeover(true).build());
            server.addConnector(takeover);
            // A second connector that cannot start: Jetty starts connectors after the handlers, and this one after ours.
            UnixSocketConnector broken = new UnixSocketConnector(server);
            broken.setSocketPath(Files.writeString(dir.resolve("not-a-socket"), "data"));
            server.addConnector(broken);
            server.setHandler(new TestHandler());
            SocketBindException failure = assertThrows(SocketBindException.class, server::start);
            assertEquals(BindProblem.NOT_A_SOCKET, failure.problem());
            server.stop();

            assertEquals(before, inode(path), "the path still names the old server's socket");
            assertNoPrivateDirectories();
            // Longer than the old server's replacement watch takes to notice anything.
            Thread.sleep(5 * SocketFileOptions.DEFAULT_REPLACEMENT_CHECK_INTERVAL.toMillis());
            assertTrue(Exchange.get(path, "/").startsWith("HTTP/1.1 200 "), "the old server serves on");
            assertTrue(ProcessHandle.of(old.pid()).map(ProcessHandle::isAlive).orElse(false));
        }
    }

    @Test
    void theReplacedServerDrainsTellsItsListenersStopsAndLeavesThePath() throws Exception
    {
        Path path = dir.resolve("app.sock");
        List<String> told = new CopyOnWriteArrayList<>();
        TestServer old = TestServer.start(path, connector -> connector.addEventListener(new SocketReplacedListener()
        {
            @Override
            public void onReplaced(UnixSocketConnector connector)
            {
                told.add("replaced");
            }

            @Override
            public void onDrained(UnixSocketConnector connector, boolean complete)
            {
                told.add("drained " + complete);
            }
        }));
        try (TestServer next = TestServer.start(path, connector -> connector.setSocketFile(SocketFileOptions.builder().takeover(true).build())))
        {
            assertTrue(next.connector().getSocketFile().takeover());
            awaitStopped(old.server());
            assertEquals(List.of("replaced", "drained true"), told);
            assertTrue(old.connector().isReplaced());
            assertTrue(Exchange.get(path, "/").startsWith("HTTP/1.1 200 "));
            assertEquals(1, next.handler().handled(), "the new server answered");
            assertNoPrivateDirectories();
        }
        assertFalse(Files.exists(path, LinkOption.NOFOLLOW_LINKS), "the new server removes its own socket when it stops");
    }

    @Test
    void stopConnectorLeavesTheRestOfTheServerRunning() throws Exception
    {
        Path path = dir.resolve("app.sock");
        try (TestServer old = TestServer.start(path, connector -> connector.setSocketFile(SocketFileOptions.builder().whenReplaced(WhenReplaced.STOP_CONNECTOR).build()));
             TestServer next = TestServer.start(path, connector -> connector.setSocketFile(SocketFileOptions.builder().takeover(true).build())))
        {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!old.connector().isStopped() && System.nanoTime() < deadline)
                Thread.sleep(20);
            assertTrue(old.connector().isStopped());
            assertTrue(old.server().isStarted(), "only the connector stops");
            assertTrue(Files.exists(path, LinkOption.NOFOLLOW_LINKS));
        }
    }

    /** Only another socket of this user is a takeover: a regular file put at the path stops nothing. */
    @Test
    void aFileThatIsNotASocketAtThePathLeavesTheServerServing() throws Exception
    {
        Path path = dir.resolve("app.sock");
        try (TestServer server = TestServer.start(path, connector -> connector.setSocketFile(SocketFileOptions.builder().replacementCheckInterval(Duration.ofMillis(20)).build())))
        {
            Path file = dir.resolve("not-a-socket");
            Files.writeString(file, "x");
            Files.move(file, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Thread.sleep(500);
            assertFalse(server.connector().isReplaced());
            assertTrue(server.connector().isRunning(), "the server goes on serving");
            assertTrue(server.server().isStarted());
        }
        assertEquals("x", Files.readString(path), "the stop leaves the file that is not its socket alone");
    }

    /**
     * A hard link to another socket of this user put at the path (by an admin, a member of a group that may write the
     * directory) is no takeover: the server does not drain, and says so.
     */
    @Test
    void aHardLinkToAnotherSocketOfTheSameUserIsNoTakeover() throws Exception
    {
        Path path = dir.resolve("app.sock");
        Path other = dir.resolve("other.sock");
        try (LogCapture log = LogCapture.start();
             TestServer server = TestServer.start(path, connector -> connector.setSocketFile(SocketFileOptions.builder()
                 .replacementCheckInterval(Duration.ofMillis(20)).build()));
             TestServer otherService = TestServer.start(other))
        {
            Path link = Files.createLink(dir.resolve("link.tmp"), other);
            Files.move(link, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            // The watch (every 20 ms) notices the swap and says so; until it has, there is nothing to look at.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!log.text().contains("that no takeover put there") && System.nanoTime() < deadline)
                Thread.sleep(20);
            assertTrue(log.text().contains("that no takeover put there"), log.text());
            assertFalse(server.connector().isReplaced());
            assertTrue(server.connector().isRunning(), "the server goes on serving");
            assertTrue(server.server().isStarted());
        }
        assertTrue(Files.exists(path, LinkOption.NOFOLLOW_LINKS), "the stop leaves the link, which is not its socket, alone");
    }

    /**
     * A new server killed right after its socket was swapped in must not take the old one with it: the old one finds
     * that nothing answers on the new socket, and goes on serving.
     */
    @Test
    void theOldServerDoesNotDrainForATakeoverWhoseServerDied() throws Exception
    {
        Path path = dir.resolve("app.sock");
        try (ChildJvm old = ChildJvm.start(false, null, "serve", path.toString()))
        {
            assertEquals("LISTENING", old.readLine());
            // The old server sleeps through the takeover and the new server's death, then looks at the path.
            Run.run(Duration.ofSeconds(10), "kill", "-STOP", Long.toString(old.pid())).requireSuccess();
            try (ChildJvm next = ChildJvm.start(false, null, "serve", path.toString(), "--takeover", "x"))
            {
                assertEquals("LISTENING", next.readLine());
                next.kill();
            }
            Run.run(Duration.ofSeconds(10), "kill", "-CONT", Long.toString(old.pid())).requireSuccess();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!old.stderr().contains("nothing answers on the new socket") && System.nanoTime() < deadline)
                Thread.sleep(50);
            assertTrue(old.stderr().contains("nothing answers on the new socket"), old.stderr());
            Thread.sleep(5 * SocketFileOptions.DEFAULT_REPLACEMENT_CHECK_INTERVAL.toMillis());
            assertTrue(ProcessHandle.of(old.pid()).map(ProcessHandle::isAlive).orElse(false), "the old server runs on");
            assertEquals(0, old.stop());
        }
    }

    /**
     * Another takeover publishes while this server is starting: this one's publication finds the path changed, and
     * its start fails rather than take the path from the winner.
     */
    @Test
    void aTakeoverThatLosesTheRaceFailsItsStartAndTheWinnerKeepsThePath() throws Exception
    {
        Path path = dir.resolve("app.sock");
        TestServer old = TestServer.start(path);
        Server loser = new Server();
        UnixSocketConnector connector = new UnixSocketConnector(loser);
        connector.setSocketPath(path);
        connector.setSocketFile(SocketFileOptions.builder().takeover(true).build());
        loser.addConnector(connector);
        loser.setHandler(new TestHandler());
        TestServer[] winner = new TestServer[1];
        // Runs before the connector's own listener, which it adds when it starts: the winner publishes first.
        loser.addEventListener(new LifeCycle.Listener()
        {
            @Override
            public void lifeCycleStarted(LifeCycle event)
            {
                try
                {
                    winner[0] = TestServer.start(path, other -> other.setSocketFile(SocketFileOptions.builder().takeover(true).build()));
                }
                catch (Exception e)
                {
                    throw new RuntimeException(e);
                }
            }
        });
        try
        {
            // Publishing runs in a Server listener, which may not throw a checked exception.
            UncheckedIOException failed = assertThrows(UncheckedIOException.class, loser::start);
            SocketBindException lost = assertInstanceOf(SocketBindException.class, failed.getCause());
            assertEquals(BindProblem.IN_USE, lost.problem());
            assertEquals(lost.getMessage(), failed.getMessage());
            loser.stop();
            awaitStopped(old.server());
            assertTrue(Exchange.get(path, "/").startsWith("HTTP/1.1 200 "));
            assertEquals(1, winner[0].handler().handled());
            assertNoPrivateDirectories();
        }
        finally
        {
            if (winner[0] != null)
                winner[0].close();
            old.close();
        }
    }

    private static void awaitStopped(Server server) throws InterruptedException
    {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!server.isStopped() && System.nanoTime() < deadline)
            Thread.sleep(20);
        assertTrue(server.isStopped(), "the replaced server stops by itself");
    }

    private static Object inode(Path path) throws IOException
    {
        return Files.readAttributes(path, "unix:ino", LinkOption.NOFOLLOW_LINKS).get("ino");
    }

    private void assertNoPrivateDirectories() throws IOException
    {
        try (Stream<Path> entries = Files.list(dir))
        {
            assertEquals(List.of(), entries.map(entry -> entry.getFileName().toString()).filter(name -> name.contains(".uh")).toList());
        }
    }
}
