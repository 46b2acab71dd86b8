package io.github.unixhttp.connector.internal.nativeedge;

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

import io.github.unixhttp.connector.internal.ListeningSocket;
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
        assertEquals(before, openDescriptors());
    }

    @Test
    void othersFillingTheStandInListenerChangeNothing() throws Exception
    {
        makeTheStandInListener();
        // Anyone may connect to an abstract name: flood ours, as a hostile local user could.
        String standIn = standInName();
        List<UnixSocketChannel> flood = new ArrayList<>();
        try (ListeningSocket listening = NativeEdge.bindAbstractName(name, 16))
        {
            for (int i = 0; i < 500; i++)
            {
                UnixSocketChannel foreign = UnixSocketChannel.create();
                flood.add(foreign);
                foreign.configureBlocking(false);
                if (!foreign.connect(new UnixSocketAddress("\0" + standIn)))
                    break;
            }
            for (int i = 0; i < 3; i++)
            {
                try (SocketChannel client = NativeEdge.connectAbstractName(name); SocketChannel accepted = listening.accept())
                {
                    accepted.write(ByteBuffer.wrap(("reply " + i).getBytes(StandardCharsets.US_ASCII)));
                    assertEquals("reply " + i, readSome(client));
                }
            }
        }
        finally
        {
            for (UnixSocketChannel foreign : flood)
                foreign.close();
        }
    }

    /** One connect, so that this JVM's stand-in listener exists (it is made at the first). */
    private void makeTheStandInListener() throws IOException
    {
        try (ListeningSocket warmUp = NativeEdge.bindAbstractName(name + "-warm", 4))
        {
            NativeEdge.connectAbstractName(name + "-warm").close();
        }
    }

    /** This JVM's stand-in listener's name, as any local user can read it in {@code /proc/net/unix}. */
    private static String standInName() throws IOException
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
            if (fields.length >= 8 && fields[7].startsWith("@unixhttp-client-") && !fields[7].startsWith("@unixhttp-client-test-")
                && ours.contains(fields[6]))
                return fields[7].substring(1);
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

    private static long openDescriptors() throws IOException
    {
        try (var fds = Files.list(Path.of("/proc/self/fd")))
        {
            return fds.count();
        }
    }
}
