package io.github.unixhttp.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

import io.github.unixhttp.bench.BenchServer.Kind;
import io.github.unixhttp.bench.H2load.Workload;
import io.github.unixhttp.connector.UnixSocketAddress;
import org.eclipse.jetty.util.Jetty;

/**
 * The side-by-side benchmark: each server in a fresh JVM (or process), driven by h2load in interleaved rounds
 * (A B C ... A B C ...) so that machine noise hits all alike; ratios to Jetty's UnixDomainServerConnector are taken
 * within each round. Then the client side, abstract names, and 5000 idle connections.
 *
 * <pre>java -cp bench/target/unixhttp-bench.jar io.github.unixhttp.bench.Bench [--quick | --full | --smoke] [--out DIR]</pre>
 */
public final class Bench
{
    static final String SERVER = "server";
    static final String REFERENCE = "jetty-uds";

    private final Mode mode;
    private final Path out;
    private final Results results = new Results();
    private final Path work;

    /**
     * How much to measure: the quick mode finishes in under 3 minutes (short points: indicative only), the full one
     * in under 30 (adds the inherited socket and nginx, and 3 s points).
     */
    enum Mode
    {
        SMOKE(1, 0.4, 0.2, List.of(new Workload("c16", 16, false)), List.of(Kind.UNIXHTTP, Kind.JETTY_UDS), false, 0),
        QUICK(3, 0.5, 0.2, standardWorkloads(), List.of(Kind.UNIXHTTP, Kind.UNIXHTTP_CREDS, Kind.JETTY_UDS, Kind.JETTY_TCP), true, 5000),
        /** Only the client side, for working on the clients. */
        CLIENTS(3, 1.5, 1.0, List.of(), List.of(), true, 0),
        FULL(5, 3.0, 1.0, standardWorkloads(), List.of(Kind.UNIXHTTP, Kind.UNIXHTTP_CREDS, Kind.UNIXHTTP_INHERITED, Kind.JETTY_UDS,
            Kind.JETTY_TCP), true, 5000);

        final int rounds;
        final double seconds;
        final double warmUp;
        final List<Workload> workloads;
        final List<Kind> servers;
        final boolean clientsAndScale;
        final int idleConnections;

        Mode(int rounds, double seconds, double warmUp, List<Workload> workloads, List<Kind> servers, boolean clientsAndScale, int idleConnections)
        {
            this.rounds = rounds;
            this.seconds = seconds;
            this.warmUp = warmUp;
            this.workloads = workloads;
            this.servers = servers;
            this.clientsAndScale = clientsAndScale;
            this.idleConnections = idleConnections;
        }

        private static List<Workload> standardWorkloads()
        {
            return List.of(new Workload("c1", 1, false), new Workload("c16", 16, false), new Workload("c256", 256, false),
                new Workload("churn16", 16, true));
        }
    }

    private Bench(Mode mode, Path out) throws IOException
    {
        this.mode = mode;
        this.out = out;
        this.work = Files.createTempDirectory("uhb");
    }

    public static void main(String[] args) throws Exception
    {
        Mode mode = Mode.QUICK;
        Path out = Path.of("bench", "results");
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--quick" -> mode = Mode.QUICK;
                case "--full" -> mode = Mode.FULL;
                case "--smoke" -> mode = Mode.SMOKE;
                case "--clients" -> mode = Mode.CLIENTS;
                case "--out" -> out = Path.of(args[++i]);
                default ->
                {
                    System.err.println("usage: Bench [--quick | --full | --smoke | --clients] [--out DIR]");
                    System.exit(2);
                }
            }
        }
        Files.createDirectories(out);
        new Bench(mode, out).run();
    }

    private void run() throws Exception
    {
        Instant start = Instant.now();
        System.out.println("unixhttp bench, " + mode + " mode: " + environment().replace('\n', ' '));
        for (int round = 1; round <= mode.rounds; round++)
        {
            System.out.println("round " + round + " of " + mode.rounds);
            if (!mode.servers.isEmpty())
                serverRound(round);
            if (mode.clientsAndScale)
            {
                clientRound(round);
                abstractRound(round);
            }
        }
        if (mode.idleConnections > 0)
            idleConnections();
        Duration took = Duration.between(start, Instant.now());
        String name = "bench-" + mode.name().toLowerCase(Locale.ROOT);
        results.writeCsv(out.resolve(name + ".csv"));
        if (!mode.servers.isEmpty() && mode != Mode.SMOKE)
            results.writeRatioChart(out.resolve(name + "-ratios.png"), SERVER, REFERENCE,
                "Throughput relative to Jetty's UnixDomainServerConnector (" + mode.name().toLowerCase(Locale.ROOT) + " run)");
        Files.writeString(out.resolve(name + ".md"), Report.markdown(mode, results, environment(), took));
        System.out.println("wrote " + out.resolve(name + ".md") + " in " + took.toSeconds() + " s");
        deleteTree(work);
    }

    /** Every server once, in the same order, each in a fresh process per handler type. */
    private void serverRound(int round) throws Exception
    {
        for (boolean nonBlocking : new boolean[]{false, true})
        {
            String variant = nonBlocking ? "nonblocking" : "blocking";
            if (mode == Mode.SMOKE && nonBlocking)
                continue;
            for (Kind kind : mode.servers)
            {
                String subject = kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
                Path socket = work.resolve(subject + ".sock");
                Files.deleteIfExists(socket);
                if (kind == Kind.UNIXHTTP_INHERITED && which("s6-ipcserver-socketbinder") == null)
                    continue;
                int port = kind == Kind.JETTY_TCP ? freePort() : 0;
                List<String> supervisor = kind == Kind.UNIXHTTP_INHERITED ? List.of("s6-ipcserver-socketbinder", socket.toString()) : List.of();
                String address = kind == Kind.JETTY_TCP ? Integer.toString(port) : socket.toString();
                try (ServerProcess server = ServerProcess.startJvm(supervisor, kind, address, nonBlocking))
                {
                    for (Workload workload : mode.workloads)
                        measure(round, subject, variant, workload, kind == Kind.JETTY_TCP ? "tcp:" + port : "unix:" + socket);
                }
            }
            if (nonBlocking && mode != Mode.SMOKE)
            {
                Path socket = work.resolve("netty-" + round + ".sock");
                try (ServerProcess netty = ServerProcess.startJvm(List.of(), "netty " + socket, NettyServer.class.getName(), socket.toString()))
                {
                    for (Workload workload : mode.workloads)
                        measure(round, "netty", variant, workload, "unix:" + socket);
                }
            }
            if (!nonBlocking && mode == Mode.FULL && which("nginx") != null)
            {
                Path dir = Files.createDirectories(work.resolve("nginx-" + round));
                Path socket = dir.resolve("nginx.sock");
                try (ServerProcess nginx = ServerProcess.startNginx(dir, socket))
                {
                    for (Workload workload : mode.workloads)
                        measure(round, "nginx", variant, workload, "unix:" + socket);
                }
            }
        }
    }

    private void measure(int round, String subject, String variant, Workload workload, String target) throws Exception
    {
        try
        {
            double rate = H2load.run(target, workload, mode.seconds, mode.warmUp);
            results.add(new Results.Measurement(round, SERVER, subject, workload.name(), variant, rate, "req/s"));
        }
        catch (IOException failure)
        {
            // A failed point is left out (the report shows "–"), and said here; the run goes on.
            System.out.println("  round " + round + "  " + subject + " " + workload.name() + " " + variant + " FAILED: " +
                failure.getMessage().lines().reduce((first, last) -> last).orElse(""));
        }
    }

    private void clientRound(int round) throws Exception
    {
        Path socket = work.resolve("clients.sock");
        Files.deleteIfExists(socket);
        int port = freePort();
        try (ServerProcess server = ServerProcess.startJvm(List.of(), Kind.UNIXHTTP_AND_TCP, socket + "," + port, true))
        {
            new ClientBench(seconds(), warmUp()).run(round, socket, port, results);
        }
    }

    /**
     * h2load cannot reach abstract names: our classic client (16 threads, blocking handler) and our Jetty client
     * (100 in flight, non-blocking handler) measure path and abstract alike instead.
     */
    private void abstractRound(int round) throws Exception
    {
        ClientBench client = new ClientBench(seconds(), warmUp());
        Path socket = work.resolve("path.sock");
        String name = "uhb-" + ProcessHandle.current().pid() + "-" + round;
        for (boolean nonBlocking : new boolean[]{false, true})
        {
            Files.deleteIfExists(socket);
            try (ServerProcess server = ServerProcess.startJvm(List.of(), Kind.UNIXHTTP, socket.toString(), nonBlocking))
            {
                abstractMeasurement(round, "unixhttp-path", nonBlocking, client, UnixSocketAddress.ofPath(socket));
            }
            try (ServerProcess server = ServerProcess.startJvm(List.of(), Kind.UNIXHTTP_ABSTRACT, name, nonBlocking))
            {
                abstractMeasurement(round, "unixhttp-abstract", nonBlocking, client, UnixSocketAddress.ofAbstractName(name));
            }
        }
    }

    private void abstractMeasurement(int round, String subject, boolean nonBlocking, ClientBench client, UnixSocketAddress address)
        throws Exception
    {
        if (nonBlocking)
            results.add(new Results.Measurement(round, "abstract", subject, "jetty100", "nonblocking", client.jettyRate(address), "req/s"));
        else
            results.add(new Results.Measurement(round, "abstract", subject, "c16", "blocking", client.classicRate(address), "req/s"));
    }

    private void idleConnections() throws Exception
    {
        for (Kind kind : List.of(Kind.UNIXHTTP, Kind.JETTY_UDS))
        {
            String subject = kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
            Path socket = work.resolve("idle-" + subject + ".sock");
            Files.deleteIfExists(socket);
            try (ServerProcess server = ServerProcess.startJvm(List.of(), kind, socket.toString(), false))
            {
                IdleConnectionsBench.Outcome outcome = IdleConnectionsBench.run(server, socket, mode.idleConnections);
                results.add(new Results.Measurement(1, "idle", subject, "accept-all", "-", outcome.acceptAllMillis(), "ms"));
                results.add(new Results.Measurement(1, "idle", subject, "memory", "-", outcome.bytesPerConnection(), "bytes/connection"));
            }
        }
    }

    private Duration seconds()
    {
        return Duration.ofMillis(Math.round(mode.seconds * 1000));
    }

    private Duration warmUp()
    {
        return Duration.ofMillis(Math.round(mode.warmUp * 1000));
    }

    private static String environment() throws Exception
    {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
            .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
        String nginx = which("nginx") == null ? "not installed" : command("nginx", "-v");
        return "machine: " + Runtime.getRuntime().availableProcessors() + " cores, " + cpu + ", " + command("uname", "-sr") + "\n" +
            "JDK: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + "\n" +
            "Jetty: " + Jetty.VERSION + " (reference connector jetty-unixdomain-server " + Jetty.VERSION + ", from the same BOM)\n" +
            "load generator: " + H2load.version() + "\n" +
            "nginx: " + nginx + "\n" +
            "Netty reference: " + io.netty.util.Version.identify().getOrDefault("netty-transport-native-epoll",
                io.netty.util.Version.identify().values().iterator().next()).artifactVersion() + " (epoll domain sockets, non-blocking slot only)";
    }

    private static String command(String... command) throws Exception
    {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        process.waitFor();
        return output;
    }

    static Path which(String command)
    {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
        {
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate))
                return candidate;
        }
        return null;
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            return probe.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) throws IOException
    {
        try (var walk = Files.walk(dir))
        {
            for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList())
                Files.deleteIfExists(path);
        }
    }
}
