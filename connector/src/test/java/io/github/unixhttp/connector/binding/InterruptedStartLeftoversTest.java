package io.github.unixhttp.connector.binding;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import io.github.unixhttp.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A start killed between creating its private directory and removing it leaves the directory behind; the next
 * start on the same path removes it, but only when it is provably such a leftover.
 */
class InterruptedStartLeftoversTest
{
    @TempDir
    Path dir;

    @Test
    void leftoverWithADeadSocketIsRemovedByTheNextStart() throws Exception
    {
        Path leftover = privateDirectory(".app.sock.uhk3x9q2");
        SafeBindingRefusalsTest.leaveDeadSocket(leftover.resolve("s"));
        Path empty = privateDirectory(".app.sock.uh000000");
        try (TestServer ignored = TestServer.start(dir.resolve("app.sock")))
        {
            assertFalse(Files.exists(leftover), "a leftover with a dead socket stayed");
            assertFalse(Files.exists(empty), "an empty leftover stayed");
        }
    }

    @Test
    void whatIsNotProvablyALeftoverOfThisPathIsKept() throws Exception
    {
        Path holdsAFile = privateDirectory(".app.sock.uhaaaaaa");
        Files.writeString(holdsAFile.resolve("s"), "not a socket");
        Path otherPath = privateDirectory(".other.sock.uhbbbbbb");
        Path openMode = privateDirectory(".app.sock.uhcccccc");
        Files.setPosixFilePermissions(openMode, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path otherPattern = privateDirectory(".app.sock.uhTOOLONG1");
        try (TestServer ignored = TestServer.start(dir.resolve("app.sock")))
        {
            for (Path kept : new Path[]{holdsAFile, otherPath, openMode, otherPattern})
                assertTrue(Files.isDirectory(kept), kept + " was removed");
        }
    }

    @Test
    void leftoverWithALiveSocketIsKept() throws Exception
    {
        Path busy = privateDirectory(".app.sock.uhdddddd");
        try (TestServer live = TestServer.start(busy.resolve("s"));
             TestServer ignored = TestServer.start(dir.resolve("app.sock")))
        {
            assertTrue(Files.exists(busy.resolve("s")), "a live socket's directory was removed");
        }
    }

    private Path privateDirectory(String name) throws Exception
    {
        return Files.createDirectory(dir.resolve(name), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
}
