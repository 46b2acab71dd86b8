package io.github.unixhttp.bench;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Scale: open N connections to a server, send one request on each, and time until every one has been accepted and
 * answered; then the server's resident memory per (now idle) connection.
 */
final class IdleConnectionsBench
{
    private static final byte[] REQUEST = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private IdleConnectionsBench()
    {
    }

    record Outcome(double acceptAllMillis, double bytesPerConnection)
    {
    }

    static Outcome run(ServerProcess server, Path socket, int connections) throws Exception
    {
        System.gc();
        long before = server.residentBytes();
        List<SocketChannel> channels = new ArrayList<>(connections);
        try (Selector selector = Selector.open())
        {
            long start = System.nanoTime();
            for (int i = 0; i < connections; i++)
            {
                SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                channel.connect(UnixDomainSocketAddress.of(socket));
                channels.add(channel);
                channel.write(ByteBuffer.wrap(REQUEST));
                channel.configureBlocking(false);
                channel.register(selector, SelectionKey.OP_READ);
            }
            int answered = 0;
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            while (answered < connections)
            {
                if (selector.select(30_000) == 0)
                    throw new IllegalStateException("only " + answered + " of " + connections + " connections were answered in 30 s");
                for (SelectionKey key : selector.selectedKeys())
                {
                    buffer.clear();
                    if (((SocketChannel)key.channel()).read(buffer) > 0)
                    {
                        key.cancel();
                        answered++;
                    }
                }
                selector.selectedKeys().clear();
            }
            double millis = (System.nanoTime() - start) / 1e6;
            Thread.sleep(500);
            long after = server.residentBytes();
            return new Outcome(millis, (after - before) / (double)connections);
        }
        finally
        {
            for (SocketChannel channel : channels)
                channel.close();
        }
    }
}
