package io.github.unixhttp.connector.internal.binding;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import io.github.unixhttp.connector.binding.BindProblem;
import io.github.unixhttp.connector.binding.SocketBindException;
import io.github.unixhttp.connector.binding.StaleSocketPolicy;
import io.github.unixhttp.testing.BackgroundProcess;
import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The binder's part of a takeover: a socket bound to take a live server's path over stays out of reach until it is
 * published, then replaces the path in one step; the replaced socket learns it from {@link BoundSocketFile#pathState()}
 * and leaves the path alone when closed; what is refused is refused before anything changes.
 */
class TakeoverBindingTest
{
    @org.junit.jupiter.api.BeforeEach
    void needsTheLinuxLayer()
    {
        Requirements.requireLinuxLayer("the takeover (renameat2 RENAME_EXCHANGE)");
    }

    @TempDir
    Path dir;

    @Test
    void aTakeoverIsUnreachableUntilPublishedThenReplacesThePathAndTheOldSocketLeavesItAlone() throws Exception
    {
        Path path = dir.resolve("app.sock");
        BoundSocketFile old = SocketFileBinder.bind(spec(path));
        Object oldInode = inode(path);
        try (BoundSocketFile next = SocketFileBinder.bindToTakeOver(spec(path)))
        {
            assertFalse(next.isPublished());
            assertEquals(oldInode, inode(path), "the path names the old socket until the new one is published");
            assertEquals(PathState.OURS, old.pathState());
            assertEquals(PathState.UNKNOWN, next.pathState());
            connectAndAccept(path, old);

            next.publish();
            assertTrue(next.isPublished());
            assertNotEquals(oldInode, inode(path));
            assertEquals(PathState.REPLACED, old.pathState());
            assertEquals(PathState.OURS, next.pathState());
            connectAndAccept(path, next);
            assertNoPrivateDirectories();

            old.close();
            assertTrue(Files.exists(path, LinkOption.NOFOLLOW_LINKS), "the old socket removed the new one's path");
            assertEquals(PathState.OURS, next.pathState());
        }
        assertFalse(Files.exists(path, LinkOption.NOFOLLOW_LINKS), "the new socket removes its path when closed");
        assertNoPrivateDirectories();
    }

    @Test
    void aTakeoverClosedBeforeItIsPublishedLeavesTheOldSocketServingAndNothingBehind() throws Exception
    {
        Path path = dir.resolve("app.sock");
        try (BoundSocketFile old = SocketFileBinder.bind(spec(path)))
        {
            Object oldInode = inode(path);
            BoundSocketFile next = SocketFileBinder.bindToTakeOver(spec(path));
            next.close();
            assertEquals(oldInode, inode(path));
            assertEquals(PathState.OURS, old.pathState());
            connectAndAccept(path, old);
            assertNoPrivateDirectories();
            assertThrows(IOException.class, next::publish, "a closed socket cannot be published");
            assertEquals(oldInode, inode(path));
        }
    }

    @Test
    void ofTwoTakeoversOfTheSameServerTheSecondToPublishIsRefusedAndTheFirstKeepsThePath() throws Exception
    {
        Path path = dir.resolve("app.sock");
        try (BoundSocketFile old = SocketFileBinder.bind(spec(path));
             BoundSocketFile first = SocketFileBinder.bindToTakeOver(spec(path));
             BoundSocketFile second = SocketFileBinder.bindToTakeOver(spec(path)))
        {
            first.publish();
            Object firstInode = inode(path);
            SocketBindException refused = assertThrows(SocketBindException.class, second::publish);
            assertEquals(BindProblem.IN_USE, refused.problem());
            assertTrue(refused.getMessage().contains("another server took the path while this one was starting"), refused.getMessage());
            assertEquals(firstInode, inode(path));
            assertEquals(PathState.OURS, first.pathState());
            assertEquals(PathState.REPLACED, old.pathState());
            assertNoPrivateDirectories();
        }
        assertFalse(Files.exists(path, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aTakeoverPublishesWhereTheOldServerRemovedItsSocketMeanwhile() throws Exception
    {
        Path path = dir.resolve("app.sock");
        BoundSocketFile old = SocketFileBinder.bind(spec(path));
        try (BoundSocketFile next = SocketFileBinder.bindToTakeOver(spec(path)))
        {
            old.close();
            assertFalse(Files.exists(path, LinkOption.NOFOLLOW_LINKS));
            next.publish();
            connectAndAccept(path, next);
            assertNoPrivateDirectories();
        }
    }

    @Test
    void withNoLiveServerATakeoverBindsAtOnceAsAnyStartDoes() throws Exception
    {
        Path path = dir.resolve("app.sock");
        try (BoundSocketFile bound = SocketFileBinder.bindToTakeOver(spec(path)))
        {
            assertTrue(bound.isPublished());
            connectAndAccept(path, bound);
        }
        // A dead socket: removed as the stale-socket policy says.
        SocketFileBinder.bind(spec(path)).channel().close();
        assertTrue(Files.exists(path, LinkOption.NOFOLLOW_LINKS));
        try (BoundSocketFile bound = SocketFileBinder.bindToTakeOver(spec(path)))
        {
            assertTrue(bound.isPublished());
            connectAndAccept(path, bound);
        }
        assertNoPrivateDirectories();
    }

    @Test
    void aRegularFileIsNeverTakenOver() throws Exception
    {
        Path path = Files.writeString(dir.resolve("app.sock"), "data");
        SocketBindException refused = assertThrows(SocketBindException.class, () -> SocketFileBinder.bindToTakeOver(spec(path)));
        assertEquals(BindProblem.NOT_A_SOCKET, refused.problem());
        assertEquals("data", Files.readString(path));
        assertNoPrivateDirectories();
    }

    @Test
    void anotherUsersLiveServerIsNeverTakenOver() throws Exception
    {
        Requirements.requireRoot();
        Requirements.requireCommand("python3");
        Run.openToOthers(dir);
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Run.run(Duration.ofSeconds(20), "chmod", "+t", shared.toString()).requireSuccess();
        Path path = shared.resolve("app.sock");
        String server = "import socket, sys\n" +
            "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n" +
            "s.bind(sys.argv[1]); s.listen(8)\n" +
            "print('READY', flush=True)\n" +
            "sys.stdin.read()\n";
        try (BackgroundProcess other = BackgroundProcess.startReady(Run.asOtherUser(List.of("/usr/bin/python3", "-c", server, path.toString()))))
        {
            Object inode = inode(path);
            SocketBindException refused = assertThrows(SocketBindException.class, () -> SocketFileBinder.bindToTakeOver(spec(path)));
            assertEquals(BindProblem.OTHER_USERS_SERVER, refused.problem());
            assertTrue(refused.getMessage().contains("user nobody (uid " + Run.OTHER_UID + "), pid " + other.pid()) ||
                refused.getMessage().contains("user nobody (uid " + Run.OTHER_UID + ")"), refused.getMessage());
            assertEquals(inode, inode(path));
            try (Stream<Path> entries = Files.list(shared))
            {
                assertEquals(List.of(), entries.map(entry -> entry.getFileName().toString()).filter(name -> name.contains(".uh")).toList());
            }
        }
    }

    private static SocketFileSpec spec(Path path)
    {
        return new SocketFileSpec(path, null, null, 0, StaleSocketPolicy.REMOVE);
    }

    private static Object inode(Path path) throws IOException
    {
        return Files.readAttributes(path, "unix:ino", LinkOption.NOFOLLOW_LINKS).get("ino");
    }

    /** Connects at the path and checks that {@code expected} is the socket that gets the connection. */
    private static void connectAndAccept(Path path, BoundSocketFile expected) throws IOException
    {
        try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX))
        {
            client.connect(UnixDomainSocketAddress.of(path));
            expected.channel().configureBlocking(false);
            try (SocketChannel accepted = expected.accept())
            {
                assertTrue(accepted != null, "the connection went elsewhere than " + expected);
            }
        }
    }

    private void assertNoPrivateDirectories() throws IOException
    {
        try (Stream<Path> entries = Files.list(dir))
        {
            assertEquals(List.of(), entries.map(entry -> entry.getFileName().toString()).filter(name -> name.contains(".uh")).toList());
        }
    }
}
