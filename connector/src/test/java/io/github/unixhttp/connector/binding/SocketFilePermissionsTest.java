package io.github.unixhttp.connector.binding;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.github.unixhttp.connector.SocketFileOptions;
import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.testing.ChildJvm;
import io.github.unixhttp.testing.DirectorySnapshot;
import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import io.github.unixhttp.testing.Scripts;
import io.github.unixhttp.testing.TestServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The socket file gets the mode and group asked for, and the kernel enforces them on a client running as another user.
 */
class SocketFilePermissionsTest
{
    private static final int SOME_GROUP = 4242;

    @TempDir
    Path tmp;
    Path dir;

    @BeforeEach
    void openDirectory() throws Exception
    {
        dir = Run.openToOthers(tmp);
    }

    @Test
    void statShowsTheModeAndGroupAskedFor() throws Exception
    {
        Requirements.requireRoot();
        try (TestServer server = TestServer.start(dir.resolve("app.sock"), connector ->
        {
            connector.setSocketFile(SocketFileOptions.builder().mode(SocketFileMode.parse("0660")).group("www-data").build());
        }))
        {
            String stat = Run.run(Duration.ofSeconds(60), "stat", "-c", "%A %a %G", server.socket().toString()).requireSuccess().stdout().trim();
            assertEquals("srw-rw---- 660 www-data", stat);
        }
    }

    @Test
    void numericGidIsAcceptedAsTheGroup() throws Exception
    {
        Requirements.requireRoot();
        try (TestServer server = TestServer.start(dir.resolve("app.sock"), connector ->
        {
            connector.setSocketFile(SocketFileOptions.builder().mode(SocketFileMode.of(0640)).group(Integer.toString(SOME_GROUP)).build());
        }))
        {
            String stat = Run.run(Duration.ofSeconds(60), "stat", "-c", "%a %g", server.socket().toString()).requireSuccess().stdout().trim();
            assertEquals("640 " + SOME_GROUP, stat);
        }
    }

    @Test
    void otherUserIsDeniedOn0600() throws Exception
    {
        Requirements.requireRoot();
        try (TestServer server = TestServer.start(dir.resolve("app.sock"), connector -> connector.setSocketFile(SocketFileOptions.builder().mode(SocketFileMode.of(0600)).build())))
        {
            assertEquals("EACCES", Scripts.connectAsOtherUser(server.socket(), dir));
        }
    }

    @Test
    void otherUserGetsInOn0666() throws Exception
    {
        Requirements.requireRoot();
        try (TestServer server = TestServer.start(dir.resolve("app.sock"), connector -> connector.setSocketFile(SocketFileOptions.builder().mode(SocketFileMode.of(0666)).build())))
        {
            assertEquals("connected", Scripts.connectAsOtherUser(server.socket(), dir));
        }
    }

    @Test
    void otherUserGetsInOn0660OnlyThroughTheGroup() throws Exception
    {
        Requirements.requireRoot();
        try (TestServer server = TestServer.start(dir.resolve("app.sock"), connector ->
        {
            connector.setSocketFile(SocketFileOptions.builder().mode(SocketFileMode.of(0660)).group(Integer.toString(SOME_GROUP)).build());
        }))
        {
            assertEquals("connected", Scripts.connectAsOtherUser(server.socket(), dir, SOME_GROUP));
            assertEquals("EACCES", Scripts.connectAsOtherUser(server.socket(), dir));
        }
    }

    @Test
    void groupTheProcessMayNotChownToIsRefusedAndNothingIsLeft() throws Exception
    {
        Requirements.requireRoot();
        Path shared = Files.createDirectory(dir.resolve("shared"));
        // Sticky, as /tmp is: a directory others may write to without the sticky bit is refused before anything else.
        Run.run(java.time.Duration.ofSeconds(60), "chmod", "1777", shared.toString()).requireSuccess();
        DirectorySnapshot before = DirectorySnapshot.of(shared);
        // As nobody (not a member of group root), chown(2) to root's group fails with EPERM.
        try (ChildJvm child = ChildJvm.start(true, null, "serve", shared.resolve("app.sock").toString(), "--group", "root"))
        {
            String line = child.readLine();
            assertTrue(line.startsWith("FAILED ") && line.contains("may not give the socket to group 'root'") &&
                line.contains("usermod -aG root"), line);
        }
        Files.deleteIfExists(shared.resolve("app.sock.lock"));
        assertEquals(before, DirectorySnapshot.of(shared));
    }

    @Test
    void pathOfTheFullKernelLimitServesCurl() throws Exception
    {
        Requirements.requireLinuxLayer("binding through /proc/self/fd (the JDK refuses the kernel's last byte)");
        Requirements.requireCommand("curl");
        String name = "n".repeat(UnixSocketAddress.MAX_PATH_BYTES - tmp.toString().length() - 1);
        try (TestServer server = TestServer.start(tmp.resolve(name)))
        {
            assertEquals(UnixSocketAddress.MAX_PATH_BYTES, server.socket().toString().length());
            assertEquals("hello", Run.run(Duration.ofSeconds(20), "curl", "-sS", "--unix-socket", server.socket().toString(),
                "http://localhost/").requireSuccess().stdout());
        }
    }
}
