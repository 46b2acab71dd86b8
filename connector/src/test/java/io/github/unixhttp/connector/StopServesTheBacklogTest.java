package io.github.unixhttp.connector;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.github.unixhttp.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A stop loses nothing the kernel already queued: connections whose {@code connect(2)} completed and whose request
 * was sent, still waiting in the listen backlog when the stop comes, are accepted and answered, not reset.
 */
class StopServesTheBacklogTest
{
    private static final int QUEUED = 100;

    @TempDir
    Path tmp;

    @Test
    void everyRequestQueuedInTheBacklogWhenTheStopComesIsServed() throws Exception
    {
        Path socket = tmp.resolve("stopping.sock");
        List<SocketChannel> queued = new ArrayList<>();
        try (ChildJvm server = ChildJvm.start(false, null, "serve", socket.toString(), "--stop-timeout", "30000"))
        {
            assertEquals("LISTENING", server.readLine());
            // Not accepting: connections wait in the backlog, as in a server too busy to accept them yet.
            server.send("pause");
            assertEquals("PAUSED", server.readLine());
            for (int i = 0; i < QUEUED; i++)
            {
                SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                queued.add(channel);
                channel.connect(UnixDomainSocketAddress.of(socket));
                channel.write(ByteBuffer.wrap(("GET /?n=" + i + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII)));
            }
            assertEquals(0, server.stop());

            int served = 0;
            List<String> others = new ArrayList<>();
            for (SocketChannel channel : queued)
            {
                String response = readAll(channel);
                if (response.startsWith("HTTP/1.1 200"))
                    served++;
                else
                    others.add(response.isEmpty() ? "<nothing>" : response.lines().findFirst().orElse(""));
            }
            assertEquals(QUEUED, served, "not served: " + others);
        }
        finally
        {
            for (SocketChannel channel : queued)
                channel.close();
        }
    }

    /** Everything until the server closes; a reset reads as what came before it, with "<reset>" after. */
    private static String readAll(SocketChannel channel)
    {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        try
        {
            while (channel.read(buffer.clear()) > 0)
                received.write(buffer.array(), 0, buffer.position());
        }
        catch (IOException reset)
        {
            return received.toString(StandardCharsets.ISO_8859_1) + "<reset: " + reset.getMessage() + ">";
        }
        return received.toString(StandardCharsets.ISO_8859_1);
    }
}
