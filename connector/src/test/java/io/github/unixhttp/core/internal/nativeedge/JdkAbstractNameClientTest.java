package io.github.unixhttp.core.internal.nativeedge;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.core.internal.ListeningSocket;
import jnr.unixsocket.UnixSocketAddress;
import jnr.unixsocket.UnixSocketChannel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients reach abstract names on the JDK's channels (the tests run with {@code --add-exports
 * java.base/sun.nio.ch}): the channel carries the real connection, failures are typed, and nothing is leaked.
 */
class JdkAbstractNameClientTest
{
    @org.junit.jupiter.api.BeforeEach
    void needsTheLinuxLayer()
    {
        Requirements.requireLinuxLayer("abstract names");
    }

    private final String name = "unixhttp-client-test-" + UUID.randomUUID();

    @Test
    void aConnectionIsAJdkChannelCarryingTheConnectionToTheName() throws Exception
    {
        try (ListeningSocket listening = NativeEdge.bindAbstractName(name, 16);
             SocketChannel client = NativeEdge.connectAbstractName(name);
             SocketChannel accepted = listening.accept())
        {
            assertSame(SelectorProvider.provider(), client.provider());
            assertTrue(client.isConnected());
            assertFalse(client.isBlocking());
            accepted.write(ByteBuffer.wrap("from the server".getBytes(StandardCharsets.US_ASCII)));
            assertEquals("from the server", readSome(client));
            client.write(ByteBuffer.wrap("from the client".getBytes(StandardCharsets.US_ASCII)));
            accepted.configureBlocking(false);
            assertEquals("from the client", readSome(accepted));
        }
    }

    @Test
    void nothingListeningOnTheNameIsARefusedConnect()
    {
        assertThrows(ConnectException.class, () -> NativeEdge.connectAbstractName(name));
    }

    @Test
    void aFullBacklogFailsWithEagainAndNoDescriptorIsLeft() throws Exception
    {
        // The stand-in listener is made at first use: count descriptors only after it exists.
        makeTheStandInListener();
        long before = openDescriptors();
        List<SocketChannel> queued = new ArrayList<>();
        try (ListeningSocket listening = NativeEdge.bindAbstractName(name, 1))
        {
            NativeCallException full = null;
            for (int i = 0; i < 100 && full == null; i++)
            {
                try
                {
                    queued.add(NativeEdge.connectAbstractName(name));
                }
                catch (NativeCallException failure)
                {
                    full = failure;
                }
            }
            assertTrue(full != null, "the backlog never filled");
            assertEquals(NativeCallException.EAGAIN, full.errno());
            // Each failed attempt closes what it opened.
            for (int i = 0; i < 20; i++)
                assertThrows(NativeCallException.class, () -> NativeEdge.connectAbstractName(name));
        }
        finally
        {
            for (SocketChannel channel : queued)
                channel.close();
        }
        assertNoDescriptorLeftAbove(before);
    }

    @Test
    void theStandInListenerIsNoAbstractNameButASocketInADirectoryOnlyThisUserCanEnter() throws Exception
    {
        makeTheStandInListener();
        Path standIn = standInPath();
        Path directory = Files.readSymbolicLink(standIn.getParent());
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));
        assertEquals(Files.getOwner(Path.of("/proc/self")), Files.getOwner(directory));
        for (String line : Files.readAllLines(Path.of("/proc/net/unix")))
            assertFalse(line.contains("@unixhttp-client-") && !line.contains("@unixhttp-client-test-"), "an abstract stand-in: " + line);
        if (io.github.unixhttp.testing.Requirements.isRoot())
        {
            Path scripts = io.github.unixhttp.testing.Run.openToOthers(Files.createTempDirectory("unixhttp-scripts"));
            try
            {
                assertEquals("EACCES", io.github.unixhttp.testing.Scripts.connectAsOtherUser(directory.resolve("s"), scripts));
            }
            finally
            {
                Files.walk(scripts).sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    @Test
    void thisUsersOwnConnectionsToTheStandInChangeNothing() throws Exception
    {
        makeTheStandInListener();
        // Only this user can reach it: flood it as a process of this user could, some from names the JDK cannot
        // represent in a C locale (each would make its accept throw).
        Path standIn = Path.of("/proc/" + ProcessHandle.current().pid()).resolve(Path.of("/proc/self").relativize(standInPath()));
        LibC libc = NativeEdge.libc();
        List<Integer> flood = new ArrayList<>();
        Path binds = Files.createTempDirectory("unixhttp-binds");
        try (ListeningSocket listening = NativeEdge.bindAbstractName(name, 16))
        {
            for (int i = 0; i < 200; i++)
            {
                int foreign = libc.socket(JdkAbstractNameSocket.AF_UNIX,
                    JdkAbstractNameSocket.SOCK_STREAM | JdkAbstractNameClient.SOCK_NONBLOCK, 0);
                flood.add(foreign);
                if (i % 2 == 0)
                {
                    byte[] unnameable = pathAddress((binds + "/peer-" + i + "-").getBytes(StandardCharsets.US_ASCII), (byte)0xff);
                    assertEquals(0, libc.bind(foreign, unnameable, unnameable.length));
                }
                byte[] target = pathAddress(standIn.toString().getBytes(StandardCharsets.US_ASCII));
                if (libc.connect(foreign, target, target.length) != 0)
                    break;
            }
            long before = openDescriptors();
            for (int i = 0; i < 3; i++)
            {
                try (SocketChannel client = NativeEdge.connectAbstractName(name); SocketChannel accepted = listening.accept())
                {
                    accepted.write(ByteBuffer.wrap(("reply " + i).getBytes(StandardCharsets.US_ASCII)));
                    assertEquals("reply " + i, readSome(client));
                }
            }
            assertNoDescriptorLeftAbove(before);
        }
        finally
        {
            for (int foreign : flood)
                libc.close(foreign);
            Files.walk(binds).sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private static byte[] pathAddress(byte[]... parts)
    {
        java.io.ByteArrayOutputStream path = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts)
            path.writeBytes(part);
        java.nio.ByteBuffer address = java.nio.ByteBuffer.allocate(2 + path.size() + 1).order(java.nio.ByteOrder.nativeOrder());
        address.putShort((short)JdkAbstractNameSocket.AF_UNIX).put(path.toByteArray()).put((byte)0);
        return address.array();
    }

    private static byte[] pathAddress(byte[] prefix, byte last)
    {
        return pathAddress(prefix, new byte[]{last});
    }

    /** One connect, so that this JVM's stand-in listener exists (it is made at the first). */
    private void makeTheStandInListener() throws IOException
    {
        try (ListeningSocket warmUp = NativeEdge.bindAbstractName(name + "-warm", 4))
        {
            NativeEdge.connectAbstractName(name + "-warm").close();
        }
        // A failure's description loads jnr-constants' classes, whose jar the JVM then keeps open: load them now.
        Directory.failure("warm-up", NativeCallException.EAGAIN).getMessage();
    }

    /** This JVM's stand-in listener, {@code /proc/self/fd/N/s} as it was bound, found in {@code /proc/net/unix}. */
    private static Path standInPath() throws IOException
    {
        Set<String> ours = new HashSet<>();
        try (var fds = Files.list(Path.of("/proc/self/fd")))
        {
            for (Path fd : (Iterable<Path>)fds::iterator)
            {
                try
                {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:["))
                        ours.add(target.substring("socket:[".length(), target.length() - 1));
                }
                catch (IOException gone)
                {
                    // closed meanwhile (the listing's own descriptor)
                }
            }
        }
        for (String line : Files.readAllLines(Path.of("/proc/net/unix")))
        {
            // Num RefCount Protocol Flags Type St Inode Path
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 8 && fields[7].matches("/proc/self/fd/[0-9]+/s") && ours.contains(fields[6]))
                return Path.of(fields[7]);
        }
        throw new AssertionError("no stand-in listener of this JVM in /proc/net/unix");
    }

    private static String readSome(SocketChannel channel) throws IOException
    {
        ByteBuffer buffer = ByteBuffer.allocate(256);
        try (Selector selector = channel.provider().openSelector())
        {
            channel.register(selector, SelectionKey.OP_READ);
            assertTrue(selector.select(5_000) > 0, "nothing to read within 5 s");
            channel.read(buffer);
        }
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
    }

    /**
     * The process's descriptors come back to at most {@code before} within 2 s. The JVM opens and closes some of its
     * own meanwhile (CI saw one more for an instant: the count was 150 when checked, 149 when the message was made),
     * and may close others (a reaped child's pipes): a leak stays, those do not.
     */
    private static void assertNoDescriptorLeftAbove(long before) throws Exception
    {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        long now = openDescriptors();
        while (now > before && System.nanoTime() < deadline)
        {
            Thread.sleep(20);
            now = openDescriptors();
        }
        assertTrue(now <= before, "descriptors before " + before + ", now " + now);
    }

    private static long openDescriptors() throws IOException
    {
        try (var fds = Files.list(Path.of("/proc/self/fd")))
        {
            return fds.count();
        }
    }
}
