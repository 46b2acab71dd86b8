package io.github.unixhttp.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.github.unixhttp.bench.BenchServer.Kind;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.eclipse.jetty.server.Server;

/**
 * Deterministic costs per connection and per request, which wall-clock throughput on a busy 2-core box cannot show
 * reliably: each server kind in a JVM of its own, with the clients in that JVM too (blocking Unix socket channels
 * on threads of their own), and
 * <ul>
 *   <li>bytes allocated by the server's threads (ThreadMXBean, every thread but the clients and main), per churned
 *   connection (one request, {@code Connection: close}) and per request on a kept-alive connection;</li>
 *   <li>throwables created by the server's threads per churned connection (JFR {@code jdk.JavaExceptionThrow} and
 *   {@code jdk.JavaErrorThrow}), by where they were made;</li>
 *   <li>system calls made by the server's threads per churned connection, by name ({@code strace -f}, each call
 *   attributed to its thread through {@code /proc/self/task/TID/comm}), if strace is installed and may attach.</li>
 * </ul>
 *
 * <pre>java -cp bench/target/unixhttp-bench.jar io.github.unixhttp.bench.ConnectionCost [--kinds A,B] [--connections N] [--out FILE]</pre>
 */
public final class ConnectionCost
{
    private static final String CLIENT_PREFIX = "cc-client-";
    private static final byte[] CLOSE_REQUEST = "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE_REQUEST = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int CLIENTS = 4;
    private static final int REQUESTS_PER_KEPT_CONNECTION = 100;

    private ConnectionCost()
    {
    }

    public static void main(String[] args) throws Exception
    {
        List<Kind> kinds = List.of(Kind.UNIXHTTP, Kind.UNIXHTTP_NOCREDS, Kind.UNIXHTTP_POLICY, Kind.JETTY_UDS);
        int connections = 20_000;
        Path out = null;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--kinds" -> kinds = java.util.Arrays.stream(args[++i].split(",")).map(Kind::valueOf).toList();
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--one" ->
                {
                    measureOne(Kind.valueOf(args[++i]), Integer.parseInt(args[++i]));
                    return;
                }
                case "--histogram" ->
                {
                    // Under Epsilon (no GC): the classes allocated, counted exactly, for finding what to cut.
                    histogram(Kind.valueOf(args[++i]), Integer.parseInt(args[++i]));
                    return;
                }
                default ->
                {
                    System.err.println("usage: ConnectionCost [--kinds A,B] [--connections N] [--out FILE]");
                    System.exit(2);
                }
            }
        }
        Map<Kind, Map<String, String>> results = new LinkedHashMap<>();
        for (Kind kind : kinds)
            results.put(kind, runChild(kind, connections));
        String md = report(results, connections);
        System.out.println(md);
        if (out != null)
        {
            Files.writeString(out, md);
            System.out.println("wrote " + out);
        }
    }

    private static Map<String, String> runChild(Kind kind, int connections) throws Exception
    {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xms256m", "-Xmx1g", "-XX:+UseParallelGC", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
            ConnectionCost.class.getName(), "--one", kind.name(), Integer.toString(connections)));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Map<String, String> result = new LinkedHashMap<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)))
        {
            for (String line = lines.readLine(); line != null; line = lines.readLine())
            {
                System.out.println(kind + ": " + line);
                int tab = line.indexOf('\t');
                if (line.startsWith("RESULT\t"))
                {
                    String rest = line.substring(tab + 1);
                    int split = rest.indexOf('\t');
                    result.put(rest.substring(0, split), rest.substring(split + 1));
                }
            }
        }
        if (child.waitFor() != 0)
            throw new IllegalStateException(kind + ": the measuring JVM failed");
        return result;
    }

    private static String report(Map<Kind, Map<String, String>> results, int connections)
    {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Each server in a JVM of its own with %d blocking clients in that JVM; %,d churned connections " +
            "(one request each, `Connection: close`) measured after as many to warm up; kept-alive: %d requests per connection. " +
            "Bytes and CPU time from ThreadMXBean over the server's threads (CPU time is the one figure here that other load on the machine " +
            "disturbs); throwables from JFR; system calls from `strace -f` on the server's threads " +
            "(3,000 connections).%n%n", CLIENTS, connections, REQUESTS_PER_KEPT_CONNECTION));
        md.append("| server | bytes allocated per churned connection | bytes allocated per kept-alive request | throwables per churned connection | system calls per churned connection | server thread CPU µs per churned connection | per kept-alive request |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|\n");
        results.forEach((kind, r) -> md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", Bench.subject(kind),
            r.getOrDefault("bytesPerConnection", "–"), r.getOrDefault("bytesPerRequest", "–"), r.getOrDefault("throwablesPerConnection", "–"),
            r.getOrDefault("syscallsPerConnection", "–"), r.getOrDefault("cpuPerConnection", "–"), r.getOrDefault("cpuPerRequest", "–"))));
        for (Map.Entry<Kind, Map<String, String>> entry : results.entrySet())
        {
            String throwables = entry.getValue().getOrDefault("throwableSites", "");
            String syscalls = entry.getValue().getOrDefault("syscallsByName", "");
            md.append("\n").append(Bench.subject(entry.getKey())).append(": system calls per churned connection: ")
                .append(syscalls.isEmpty() ? "–" : syscalls).append("; throwables: ").append(throwables.isEmpty() ? "none" : throwables).append('\n');
        }
        return md.toString();
    }

    /** In the measuring JVM: one server kind, its costs printed as RESULT lines. */
    private static void measureOne(Kind kind, int connections) throws Exception
    {
        Path dir = Files.createTempDirectory("uhp-cc");
        Path socket = dir.resolve("s.sock");
        Server server = BenchServer.newServer(kind, socket.toString(), false);
        server.start();
        try
        {
            churn(socket, connections);
            keepAlive(socket, connections / 10);
            // Allocations, with nothing else recording.
            long before = serverAllocatedBytes();
            long cpuBefore = serverCpuNanos();
            churn(socket, connections);
            long churnedCpu = serverCpuNanos() - cpuBefore;
            long churned = serverAllocatedBytes() - before;
            result("bytesPerConnection", String.format(Locale.ROOT, "%,.0f", churned / (double)connections));
            result("cpuPerConnection", String.format(Locale.ROOT, "%.1f", churnedCpu / 1e3 / connections));
            int kept = Math.max(1, connections / REQUESTS_PER_KEPT_CONNECTION);
            int requests = kept * REQUESTS_PER_KEPT_CONNECTION;
            before = serverAllocatedBytes();
            cpuBefore = serverCpuNanos();
            keepAlive(socket, kept);
            long keptCpu = serverCpuNanos() - cpuBefore;
            long keptBytes = serverAllocatedBytes() - before;
            result("bytesPerRequest", String.format(Locale.ROOT, "%,.0f", keptBytes / (double)requests));
            result("cpuPerRequest", String.format(Locale.ROOT, "%.1f", keptCpu / 1e3 / requests));
            throwables(socket, connections);
            syscalls(socket, 3_000);
        }
        finally
        {
            server.stop();
            Bench.deleteTree(dir);
        }
    }

    /**
     * Run with {@code -XX:+UnlockExperimentalVMOptions -XX:+UseEpsilonGC}: nothing is collected, so a histogram of
     * every object ({@code GC.class_histogram -all}) before and after a run counts what the run allocated, by class
     * (the clients' few objects included).
     */
    private static void histogram(Kind kind, int connections) throws Exception
    {
        Path dir = Files.createTempDirectory("uhp-cc");
        Path socket = dir.resolve("s.sock");
        Server server = BenchServer.newServer(kind, socket.toString(), false);
        server.start();
        try
        {
            churn(socket, 2_000);
            keepAlive(socket, 20);
            Map<String, long[]> before = classHistogram();
            churn(socket, connections);
            Map<String, long[]> afterChurn = classHistogram();
            printGrowth("per churned connection", before, afterChurn, connections);
            int kept = Math.max(1, connections / REQUESTS_PER_KEPT_CONNECTION);
            keepAlive(socket, kept);
            printGrowth("per kept-alive request", afterChurn, classHistogram(), kept * REQUESTS_PER_KEPT_CONNECTION);
        }
        finally
        {
            server.stop();
            Bench.deleteTree(dir);
        }
    }

    private static void printGrowth(String what, Map<String, long[]> before, Map<String, long[]> after, int divisor)
    {
        System.out.println("== " + what);
        after.entrySet().stream()
            .map(e -> Map.entry(e.getKey(), new long[]{e.getValue()[0] - before.getOrDefault(e.getKey(), new long[2])[0],
                e.getValue()[1] - before.getOrDefault(e.getKey(), new long[2])[1]}))
            .filter(e -> e.getValue()[0] >= divisor / 2).sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).limit(60)
            .forEach(e -> System.out.printf(Locale.ROOT, "%8.2f %8.1f B  %s%n", e.getValue()[0] / (double)divisor, e.getValue()[1] / (double)divisor, e.getKey()));
    }

    /** Instances and bytes by class, of every object in the heap, dead or alive. */
    private static Map<String, long[]> classHistogram() throws Exception
    {
        Object text = ManagementFactory.getPlatformMBeanServer().invoke(new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
            "gcClassHistogram", new Object[]{new String[]{"-all"}}, new String[]{String[].class.getName()});
        Map<String, long[]> classes = new HashMap<>();
        for (String line : text.toString().lines().toList())
        {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 4 && fields[0].endsWith(":"))
                classes.merge(fields[3], new long[]{Long.parseLong(fields[1]), Long.parseLong(fields[2])}, (a, b) -> new long[]{a[0] + b[0], a[1] + b[1]});
        }
        return classes;
    }

    private static void result(String key, String value)
    {
        System.out.println("RESULT\t" + key + "\t" + value);
        System.out.flush();
    }

    private static void throwables(Path socket, int connections) throws Exception
    {
        Path file = Files.createTempFile("uhp-cc", ".jfr");
        try (Recording recording = new Recording())
        {
            recording.enable("jdk.JavaExceptionThrow").withStackTrace();
            recording.enable("jdk.JavaErrorThrow").withStackTrace();
            recording.start();
            churn(socket, connections);
            recording.stop();
            recording.dump(file);
        }
        Map<String, Long> sites = new HashMap<>();
        long count = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(file))
        {
            if (event.getThread() != null && event.getThread().getJavaName() != null && event.getThread().getJavaName().startsWith(CLIENT_PREFIX))
                continue;
            count++;
            sites.merge(site(event), 1L, Long::sum);
        }
        Files.deleteIfExists(file);
        result("throwablesPerConnection", String.format(Locale.ROOT, "%.2f", count / (double)connections));
        result("throwableSites", sites.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(5)
            .map(e -> String.format(Locale.ROOT, "%.2f × %s", e.getValue() / (double)connections, e.getKey())).collect(Collectors.joining("; ")));
    }

    /** The thrown class and the first frames outside throwable constructors. */
    private static String site(RecordedEvent event)
    {
        Object thrown = event.getValue("thrownClass");
        String name = thrown instanceof jdk.jfr.consumer.RecordedClass type ? type.getName() : "?";
        List<String> frames = new ArrayList<>();
        if (event.getStackTrace() != null)
        {
            for (RecordedFrame frame : event.getStackTrace().getFrames())
            {
                String method = frame.getMethod().getName();
                String type = frame.getMethod().getType().getName();
                if (frames.isEmpty() && (method.equals("<init>") || type.startsWith("jdk.jfr") || method.equals("fillInStackTrace")))
                    continue;
                frames.add(type.substring(type.lastIndexOf('.') + 1) + "." + method);
                if (frames.size() == 3)
                    break;
            }
        }
        return "`" + name + "` at " + String.join(" < ", frames);
    }

    private static void syscalls(Path socket, int connections) throws Exception
    {
        if (Bench.which("strace") == null)
            return;
        long pid = ProcessHandle.current().pid();
        Path file = Files.createTempFile("uhp-cc", ".strace");
        Process strace = new ProcessBuilder("strace", "-f", "-qq", "-o", file.toString(), "-p", Long.toString(pid))
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        // strace says nothing once attached (-qq): give it time, and check it is still there.
        Thread.sleep(1500);
        if (!strace.isAlive())
        {
            result("syscallsPerConnection", "strace could not attach");
            return;
        }
        churn(socket, connections);
        Map<Long, String> names = threadNames(pid);
        new ProcessBuilder("kill", "-INT", Long.toString(strace.pid())).start().waitFor();
        strace.waitFor(30, TimeUnit.SECONDS);
        Pattern call = Pattern.compile("^(\\d+)\\s+([a-z0-9_]+)\\(");
        Map<String, Long> byName = new HashMap<>();
        long total = 0;
        for (String line : Files.readAllLines(file))
        {
            Matcher matcher = call.matcher(line);
            if (!matcher.find())
                continue;
            String thread = names.getOrDefault(Long.parseLong(matcher.group(1)), "?");
            if (thread.startsWith(CLIENT_PREFIX) || thread.equals("java") || thread.equals("?"))
                continue;
            byName.merge(matcher.group(2), 1L, Long::sum);
            total++;
        }
        Files.deleteIfExists(file);
        result("syscallsPerConnection", String.format(Locale.ROOT, "%.2f", total / (double)connections));
        result("syscallsByName", byName.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
            .filter(e -> e.getValue() >= connections / 50)
            .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue() / (double)connections)).collect(Collectors.joining(", ")));
    }

    /** Native thread names ({@code comm}) by thread id, for the threads alive now. */
    private static Map<Long, String> threadNames(long pid) throws IOException
    {
        Map<Long, String> names = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task")))
        {
            for (Path task : tasks.toList())
            {
                try
                {
                    names.put(Long.parseLong(task.getFileName().toString()), Files.readString(task.resolve("comm")).trim());
                }
                catch (IOException gone)
                {
                    // the thread ended meanwhile
                }
            }
        }
        return names;
    }

    /** CPU time (user and system) used so far by every live thread that is not a client, main, or JFR's. */
    private static long serverCpuNanos()
    {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet())
        {
            String name = thread.getName();
            if (name.startsWith(CLIENT_PREFIX) || name.equals("main") || name.startsWith("JFR"))
                continue;
            long nanos = threads.getThreadCpuTime(thread.getId());
            if (nanos > 0)
                sum += nanos;
        }
        return sum;
    }

    /** Bytes allocated so far by every live thread that is not a client, main, or JFR's. */
    private static long serverAllocatedBytes()
    {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet())
        {
            String name = thread.getName();
            if (name.startsWith(CLIENT_PREFIX) || name.equals("main") || name.startsWith("JFR"))
                continue;
            long bytes = threads.getThreadAllocatedBytes(thread.getId());
            if (bytes > 0)
                sum += bytes;
        }
        return sum;
    }

    private static void churn(Path socket, int connections) throws Exception
    {
        runClients(connections, remaining ->
        {
            while (remaining.getAndDecrement() > 0)
            {
                try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX))
                {
                    channel.connect(UnixDomainSocketAddress.of(socket));
                    channel.write(ByteBuffer.wrap(CLOSE_REQUEST));
                    ByteBuffer buffer = ByteBuffer.allocate(1024);
                    int total = 0;
                    for (int n = channel.read(buffer); n >= 0; n = channel.read(buffer))
                    {
                        total += n;
                        buffer.clear();
                    }
                    if (total == 0)
                        throw new IOException("no response");
                }
            }
        });
    }

    private static void keepAlive(Path socket, int connections) throws Exception
    {
        runClients(connections, remaining ->
        {
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            // One request buffer, rewound: the client allocates nothing per request.
            ByteBuffer request = ByteBuffer.wrap(KEEP_ALIVE_REQUEST);
            while (remaining.getAndDecrement() > 0)
            {
                try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX))
                {
                    channel.connect(UnixDomainSocketAddress.of(socket));
                    for (int i = 0; i < REQUESTS_PER_KEPT_CONNECTION; i++)
                    {
                        request.rewind();
                        channel.write(request);
                        buffer.clear();
                        while (!complete(buffer))
                        {
                            if (channel.read(buffer) < 0)
                                throw new IOException("closed mid-response");
                        }
                    }
                }
            }
        });
    }

    /** Whether the buffer holds a whole response: its head and the fixed body. */
    private static boolean complete(ByteBuffer buffer)
    {
        int end = buffer.position();
        for (int i = 3; i < end; i++)
        {
            if (buffer.get(i - 3) == '\r' && buffer.get(i - 2) == '\n' && buffer.get(i - 1) == '\r' && buffer.get(i) == '\n')
                return end >= i + 1 + BenchServer.BODY.length;
        }
        return false;
    }

    private interface ClientLoop
    {
        void run(AtomicLong remaining) throws Exception;
    }

    private static void runClients(int connections, ClientLoop loop) throws Exception
    {
        AtomicLong remaining = new AtomicLong(connections);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < CLIENTS; i++)
        {
            Thread thread = new Thread(() ->
            {
                try
                {
                    loop.run(remaining);
                }
                catch (Throwable failure)
                {
                    failures.add(failure);
                }
            }, CLIENT_PREFIX + i);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads)
            thread.join();
        if (!failures.isEmpty())
            throw new IllegalStateException("a client failed", failures.get(0));
    }
}
