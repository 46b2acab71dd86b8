package io.github.unixhttp.connector.binding;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

import io.github.unixhttp.connector.SocketFileOptions;
import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.testing.BindFailures;
import io.github.unixhttp.testing.DirectorySnapshot;
import io.github.unixhttp.testing.Exchange;
import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import io.github.unixhttp.testing.TestServer;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input fails the start with a message naming the problem and the fix, and leaves the file system as it was.
 */
class SafeBindingRefusalsTest
{
    @TempDir
    Path dir;

    @Test
    void pathLongerThanTheOsLimitIsRefusedWhenConfigured()
    {
        UnixSocketConnector connector = new UnixSocketConnector(new Server());
        String message = assertThrows(IllegalArgumentException.class,
            () -> connector.setSocketPath(dir.resolve("s".repeat(120) + ".sock"))).getMessage();
        assertTrue(message.contains("at most 107 bytes") && message.contains("Choose a shorter path"), message);
    }

    @Test
    void missingParentDirectoryIsRefused() throws Exception
    {
        String message = refusedStart(dir.resolve("missing/app.sock"), connector -> {});
        assertTrue(message.contains("does not exist") && message.contains("Create it first"), message);
    }

    @Test
    void nulInThePathIsRefusedWhenConfigured()
    {
        UnixSocketConnector connector = new UnixSocketConnector(new Server());
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> connector.setSocket(dir + "/app\0.sock"));
        assertTrue(error.getMessage().contains("NUL byte") && error.getMessage().contains("remove it"), error.getMessage());
    }

    @Test
    void directoryAtThePathIsRefusedAndKept() throws Exception
    {
        Files.createDirectory(dir.resolve("app.sock"));
        String message = refusedStart(dir.resolve("app.sock"), connector -> {});
        assertTrue(message.contains("a directory is already there") && message.contains("Move it away yourself"), message);
    }

    @Test
    void regularFileAtThePathIsRefusedWithItsContentIntact() throws Exception
    {
        Files.writeString(dir.resolve("app.sock"), "precious data");
        String message = refusedStart(dir.resolve("app.sock"), connector -> {});
        assertTrue(message.contains("a regular file is already there") && message.contains("never removes"), message);
        assertEquals("precious data", Files.readString(dir.resolve("app.sock")));
    }

    @Test
    void symbolicLinkAtThePathIsRefusedAndNotFollowed() throws Exception
    {
        Files.writeString(dir.resolve("target"), "kept");
        Files.createSymbolicLink(dir.resolve("app.sock"), dir.resolve("target"));
        String message = refusedStart(dir.resolve("app.sock"), connector -> {});
        assertTrue(message.contains("symbolic link"), message);
    }

    @Test
    void fifoAtThePathIsRefusedThoughConnectWouldCallItRefused() throws Exception
    {
        Requirements.requireCommand("mkfifo");
        Run.run(Duration.ofSeconds(60), "mkfifo", dir.resolve("app.sock").toString()).requireSuccess();
        String message = refusedStart(dir.resolve("app.sock"), connector -> {});
        assertTrue(message.contains("not a socket"), message);
    }

    @Test
    void liveServersSocketIsRefusedAndKeepsServing() throws Exception
    {
        Path socket = dir.resolve("app.sock");
        try (TestServer live = TestServer.start(socket))
        {
            DirectorySnapshot before = DirectorySnapshot.of(dir);
            String message = BindFailures.startFailure(socket, connector -> {});
            assertTrue(message.contains("in use by a live server") && message.contains("Stop that server first"), message);
            assertEquals(before, DirectorySnapshot.of(dir));
            assertTrue(Exchange.get(socket, "/").endsWith("hello"));
            assertEquals(1, live.handler().handled());
        }
    }

    @Test
    void modeOutsidePermissionBitsIsRefused()
    {
        for (int bad : new int[]{01000, 04755, -1})
        {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> SocketFileMode.of(bad));
            assertTrue(error.getMessage().contains("outside 0000-0777") && error.getMessage().contains("e.g. 0600"), error.getMessage());
        }
        for (String bad : new String[]{"0800", "rw-rw----", "", "07777", "-660"})
        {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> SocketFileMode.parse(bad));
            assertTrue(error.getMessage().contains("0000-0777"), error.getMessage());
        }
        assertEquals(0660, SocketFileMode.parse("660").bits());
        assertEquals("0640", SocketFileMode.parse("0640").toString());
    }

    @Test
    void unknownGroupIsRefused() throws Exception
    {
        String message = refusedStart(dir.resolve("app.sock"), connector -> connector.setSocketFile(SocketFileOptions.builder().group("no-such-group-unixhttp").build()));
        assertTrue(message.contains("'no-such-group-unixhttp' does not exist") && message.contains("numeric gid"), message);
    }

    @Test
    void staleSocketUnderTheFailPolicyIsRefusedAndKept() throws Exception
    {
        Path socket = dir.resolve("app.sock");
        leaveDeadSocket(socket);
        DirectorySnapshot before = DirectorySnapshot.of(dir);
        String message = BindFailures.startFailure(socket, connector -> connector.setSocketFile(SocketFileOptions.builder().staleSocketPolicy(StaleSocketPolicy.FAIL).build()));
        assertTrue(message.contains("dead socket") && message.contains("REMOVE policy"), message);
        // The lock file is the one thing a start on a socket path may leave; here it did not exist before.
        Files.deleteIfExists(dir.resolve("app.sock.lock"));
        assertEquals(before, DirectorySnapshot.of(dir));
    }

    /** Binds a socket and closes it without removing the file, as a killed server leaves it. */
    static void leaveDeadSocket(Path socket) throws Exception
    {
        try (ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX))
        {
            channel.bind(UnixDomainSocketAddress.of(socket));
        }
    }

    /** Starts expecting failure, and checks that the directory is exactly as before. */
    private String refusedStart(Path socket, Consumer<UnixSocketConnector> configure) throws Exception
    {
        DirectorySnapshot before = DirectorySnapshot.of(dir);
        String message = BindFailures.startFailure(socket, configure);
        assertEquals(before, DirectorySnapshot.of(dir), "the refused start changed the directory");
        return message;
    }
}
