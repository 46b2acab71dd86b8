package io.github.unixhttp.connector.internal.binding;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.core.internal.nativeedge.Directory;
import io.github.unixhttp.testing.BackgroundProcess;
import io.github.unixhttp.testing.ChildJvm;
import io.github.unixhttp.testing.BindFailures;
import io.github.unixhttp.testing.Exchange;
import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import io.github.unixhttp.testing.Scripts;
import io.github.unixhttp.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The start lock {@code <socket>.lock} cannot be turned against the server: not followed as a link, not blocked on
 * as a FIFO, not accepted from another user, not waited on forever at start or stop, and never shared between paths.
 */
class StartLockTest
{
    /** Longer than the start's wait for the lock, shorter than anything that looks like a hang. */
    private static final Duration BOUND = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void symbolicLinkAtTheLockIsRefusedAndItsTargetNeverCreated() throws Exception
    {
        Path target = dir.resolve("created-by-the-server");
        Files.createSymbolicLink(dir.resolve("app.sock.lock"), target);
        String message = BindFailures.startFailure(dir.resolve("app.sock"), connector -> {});
        assertTrue(message.contains("start lock " + dir.resolve("app.sock.lock") + " is a symbolic link"), message);
        assertFalse(Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS), "the server created the link's target");
    }

    @Test
    void fifoAtTheLockIsRefusedWithoutHanging() throws Exception
    {
        Requirements.requireCommand("mkfifo");
        Run.run(Duration.ofSeconds(30), "mkfifo", dir.resolve("app.sock.lock").toString()).requireSuccess();
        String message = assertTimeoutPreemptively(BOUND, () -> BindFailures.startFailure(dir.resolve("app.sock"), connector -> {}));
        assertTrue(message.contains("is a FIFO") && message.contains("not a regular file"), message);
    }

    @Test
    void lockFileOfAnotherUserIsRefusedNamingItsOwner() throws Exception
    {
        Requirements.requireRoot();
        Path lock = Files.createFile(dir.resolve("app.sock.lock"));
        Run.run(Duration.ofSeconds(30), "chown", Run.OTHER_UID + ":" + Run.OTHER_GID, lock.toString()).requireSuccess();
        String message = assertTimeoutPreemptively(BOUND, () -> BindFailures.startFailure(dir.resolve("app.sock"), connector -> {}));
        assertTrue(message.contains("belongs to " + otherUser()) && message.contains("remove " + lock), message);
    }

    @Test
    void directoryTheServerCannotWriteToIsSaidSoNotBlamedOnALockFile() throws Exception
    {
        Requirements.requireRoot();
        Run.openToOthers(dir);
        // As the second user, in a directory only root may write to.
        try (ChildJvm child = ChildJvm.start(true, null, "serve", dir.resolve("app.sock").toString()))
        {
            String line = child.readLine();
            assertTrue(line.startsWith("FAILED ") && line.contains("may not create files in " + dir) &&
                line.contains(otherUser()) && !line.contains("belongs to"), line);
        }
        assertFalse(Files.exists(dir.resolve("app.sock.lock")));
    }

    @Test
    void lockHeldLongerThanTheStartWaitsFailsTheStartNamingTheHolder() throws Exception
    {
        Requirements.requireLinuxLayer("flock(2), which the holder takes");
        Requirements.requireCommand("python3");
        try (BackgroundProcess holder = lockHolder(dir.resolve("app.sock.lock")))
        {
            long started = System.nanoTime();
            String message = assertTimeoutPreemptively(BOUND, () -> BindFailures.startFailure(dir.resolve("app.sock"), connector -> {}));
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(message.contains("is held by process " + holder.pid()) && message.contains("was not released within"), message);
            assertTrue(waited >= StartLock.START_WAIT.toMillis() - 100, "gave up after " + waited + " ms");
        }
    }

    @Test
    void stopDoesNotHangOnAHeldLockAndLeavesThePathAlone() throws Exception
    {
        Requirements.requireLinuxLayer("flock(2), which the holder takes");
        Requirements.requireCommand("python3");
        Path socket = dir.resolve("app.sock");
        TestServer server = TestServer.start(socket);
        try (BackgroundProcess holder = lockHolder(dir.resolve("app.sock.lock")))
        {
            assertTimeoutPreemptively(BOUND, server::close);
        }
        assertTrue(Files.exists(socket), "without the lock the stop must leave the path alone");
    }

    @Test
    void lockHeldOnOnePathHoldsUpNoOtherPath() throws Exception
    {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> holder = CompletableFuture.runAsync(() ->
        {
            try (Directory directory = Directory.open(dir);
                 StartLock ignored = StartLock.acquire(directory, "busy.sock", dir.resolve("busy.sock"), StartLock.START_WAIT))
            {
                held.countDown();
                release.await();
            }
            catch (Exception failure)
            {
                throw new RuntimeException(failure);
            }
        });
        try
        {
            assertTrue(held.await(10, TimeUnit.SECONDS));
            // A lock shared between paths would hold this start up for START_WAIT and then fail it ("not released
            // within"): the start succeeding is what shows it. The bound only keeps a hang from stalling the build.
            assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
            {
                try (TestServer other = TestServer.start(dir.resolve("other.sock")))
                {
                    assertTrue(Exchange.get(other.socket(), "/").endsWith("hello"));
                }
            });
        }
        finally
        {
            release.countDown();
            holder.get(10, TimeUnit.SECONDS);
        }
    }

    private BackgroundProcess lockHolder(Path lock) throws Exception
    {
        Path script = Scripts.copy("hold_lock.py", dir);
        return BackgroundProcess.startReady(List.of("/usr/bin/python3", script.toString(), lock.toString()));
    }

    /** How the messages name the second user: the portable layer has no lookup from an id to a name (the JDK has none). */
    private static String otherUser()
    {
        return Requirements.portableLayer() ? "user uid " + Run.OTHER_UID : "user nobody (uid " + Run.OTHER_UID + ")";
    }
}
