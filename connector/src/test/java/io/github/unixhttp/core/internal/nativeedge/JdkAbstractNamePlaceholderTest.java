package io.github.unixhttp.core.internal.nativeedge;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;

import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.core.internal.ListeningSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The placeholder the JDK channel of an abstract name is first bound to: made in a private directory through
 * directory descriptors, in a temporary directory others may write to, and nothing left behind; where it cannot
 * be made, the name is served on jnr's channels rather than failing.
 */
class JdkAbstractNamePlaceholderTest
{
    @org.junit.jupiter.api.BeforeEach
    void needsTheLinuxLayer()
    {
        Requirements.requireLinuxLayer("abstract names");
    }

    @TempDir
    Path tmp;

    @Test
    void thePlaceholderLeavesTheChannelBoundAndNothingBehind() throws Exception
    {
        // World-writable without the sticky bit: the worst temporary directory there is.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path ours = Files.createFile(tmp.resolve("someone-elses-file"));
        try (ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX))
        {
            JdkAbstractNameSocket.bindPlaceholder(channel, tmp);
            assertNotNull(channel.getLocalAddress(), "the channel does not believe itself bound");
        }
        try (var entries = Files.list(tmp))
        {
            assertEquals(List.of(ours), entries.toList(), "the placeholder or its directory was left behind");
        }
    }

    @Test
    void aMissingTemporaryDirectoryIsAPlainIoExceptionForTheFallback()
    {
        try (ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX))
        {
            IOException failure = assertThrows(IOException.class, () -> JdkAbstractNameSocket.bindPlaceholder(channel, tmp.resolve("missing")));
            // NativeEdge falls back to jnr for a plain IOException, and fails for a NativeCallException (a bind that failed).
            assertFalse(failure instanceof NativeCallException, failure.toString());
        }
        catch (IOException unexpected)
        {
            throw new AssertionError(unexpected);
        }
    }

    @Test
    void onlyArchitecturesWhoseSocketConstantsAreKnownUseTheJdkChannel() throws Exception
    {
        JdkAbstractNameSocket.requireKnownArchitecture("amd64");
        JdkAbstractNameSocket.requireKnownArchitecture("aarch64");
        for (String other : List.of("mips64el", "sparcv9", "alpha", "parisc"))
        {
            IOException refused = assertThrows(IOException.class, () -> JdkAbstractNameSocket.requireKnownArchitecture(other));
            assertFalse(refused instanceof NativeCallException, refused.toString());
        }
    }

    /** With no temporary directory to be had, the name is still served: on jnr's channels. */
    @Test
    void withoutATemporaryDirectoryTheNameIsServedOnJnr() throws Exception
    {
        String name = "unixhttp-test-" + UUID.randomUUID();
        String saved = System.getProperty("java.io.tmpdir");
        System.setProperty("java.io.tmpdir", tmp.resolve("missing").toString());
        ListeningSocket listening;
        try
        {
            listening = NativeEdge.bindAbstractName(name, 16);
        }
        finally
        {
            System.setProperty("java.io.tmpdir", saved);
        }
        try (ListeningSocket served = listening; SocketChannel client = NativeEdge.connectAbstractName(name))
        {
            assertTrue(served.needsNativeSelector(), "not served on jnr's channels");
            assertTrue(client.isConnected());
        }
    }
}
