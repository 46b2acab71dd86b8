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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scale: open N connections to a server, send one request on each, and time until every one has been accepted and
 * answered; then the server's resident memory and live heap per (now idle) connection.
 */
final class IdleConnectionsBench
{
    private static final String TOTAL = "(total)";
    private static final byte[] REQUEST = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private IdleConnectionsBench()
    {
    }

    /**
     * @param bytesPerConnection growth of the server's resident memory, per connection
     * @param heapBytesPerConnection growth of its live heap (after a full GC), per connection
     * @param heapByClass the classes whose live bytes grew most, with bytes per connection, largest first
     */
    record Outcome(double acceptAllMillis, double bytesPerConnection, double heapBytesPerConnection, Map<String, Double> heapByClass)
    {
    }

    static Outcome run(ServerProcess server, Path socket, int connections) throws Exception
    {
        System.gc();
        Map<String, Long> heapBefore = liveHeap(server);
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
            Map<String, Long> heapAfter = liveHeap(server);
            Map<String, Double> grown = new LinkedHashMap<>();
            heapAfter.entrySet().stream().filter(e -> !e.getKey().equals(TOTAL))
                .map(e -> Map.entry(e.getKey(), e.getValue() - heapBefore.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() >= connections).sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(15)
                .forEach(e -> grown.put(e.getKey(), e.getValue() / (double)connections));
            return new Outcome(millis, (after - before) / (double)connections,
                (heapAfter.get(TOTAL) - heapBefore.get(TOTAL)) / (double)connections, grown);
        }
        finally
        {
            for (SocketChannel channel : channels)
                channel.close();
        }
    }

    /**
     * The server's live heap by class, from {@code jcmd PID GC.class_histogram} (which runs a full GC first);
     * the sum under {@value #TOTAL}.
     */
    private static Map<String, Long> liveHeap(ServerProcess server) throws Exception
    {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(server.pid()),
            "GC.class_histogram").redirectErrorStream(true).start();
        String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (jcmd.waitFor() != 0)
            throw new IllegalStateException("jcmd GC.class_histogram failed: " + output);
        Map<String, Long> bytes = new HashMap<>();
        for (String line : output.lines().toList())
        {
            String[] fields = line.trim().split("\\s+");
            // "  1:   1234   56789  java.lang.String (java.base@17)" and "Total   1234   56789"
            if (fields.length >= 4 && fields[0].endsWith(":"))
                bytes.merge(fields[3], Long.parseLong(fields[2]), Long::sum);
            else if (fields.length == 3 && fields[0].equals("Total"))
                bytes.put(TOTAL, Long.parseLong(fields[2]));
        }
        if (!bytes.containsKey(TOTAL))
            throw new IllegalStateException("No total in jcmd's class histogram: " + output);
        return bytes;
    }
}
