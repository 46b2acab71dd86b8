package io.github.unixhttp.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.unixhttp.bench.BenchServer.Kind;
import io.github.unixhttp.bench.H2load.Workload;
import io.github.unixhttp.core.UnixSocketAddress;
import org.eclipse.jetty.util.Jetty;

/**
 * The side-by-side benchmark: each server in a fresh JVM (or process), driven by h2load in interleaved rounds
 * (A B C ... A B C ...) so that machine noise hits all alike; ratios to Jetty's UnixDomainServerConnector are taken
 * within each round. Then the client side, abstract names, and 5000 idle connections.
 *
 * <pre>java -cp bench/target/unixhttp-bench.jar io.github.unixhttp.bench.Bench [--quick | --targets | --full | --smoke | --features] [--rounds N] [--pin] [--jvm-options "OPTIONS"] [--out DIR]</pre>
 *
 * <p>Every server runs in its JVM's defaults unless {@code --jvm-options} gives options (the same for every server):
 * {@code --jvm-options "-Xms256m -XX:+UseParallelGC"} was the bench's setting before issue #26.</p>
 */
public final class Bench
{
    static final String SERVER = "server";
    static final String REFERENCE = "jetty-uds";

    private final Mode mode;
    private final int rounds;
    private final Path out;
    private final Results results = new Results();
    /** Round 1's live heap growth by class, per idle connection, for each server. */
    private final java.util.Map<String, java.util.Map<String, Double>> heapByClass = new java.util.LinkedHashMap<>();
    private final Path work;

    /**
     * How much to measure: the quick mode finishes in about 3 minutes (short points: indicative only), the targets
     * mode (issue #14's method: blocking handler, direct and behind nginx) in about 2 minutes a round, the full one
     * in under 40 (adds the non-blocking handler, the inherited socket, nginx and Netty, and 3 s points).
     */
    enum Mode
    {
        SMOKE(1, 0.4, 0.2, List.of(new Workload("c16", 16, false)), List.of(Kind.UNIXHTTP, Kind.JETTY_UDS), false, false, false, false, 0),
        QUICK(3, 0.5, 0.2, standardWorkloads(), List.of(Kind.UNIXHTTP, Kind.UNIXHTTP_NOCREDS, Kind.UNIXHTTP_POLICY, Kind.JETTY_UDS, Kind.JETTY_TCP),
            true, false, true, true, 5000),
        /**
         * What issue #14's targets are judged on: blocking handler, direct and behind nginx, abstract names, idle memory.
         * 2 s of warm-up per point: each server is a fresh JVM, and with 1 s the JIT was still compiling (on the same 2
         * cores) while the first points were measured.
         */
        TARGETS(3, 2.0, 2.0, standardWorkloads(), List.of(Kind.UNIXHTTP, Kind.UNIXHTTP_NOCREDS, Kind.UNIXHTTP_POLICY, Kind.JETTY_UDS, Kind.JETTY_TCP),
            false, true, false, true, 5000),
        /**
         * What each optional feature costs against our defaults (issue #24): which program is calling (pidfd), the
         * audit trail, and the per-caller limits (on by default: measured by turning them off), keep-alive and churn.
         */
        FEATURES(3, 2.0, 2.0, List.of(new Workload("c16", 16, false), new Workload("churn16", 16, true)),
            List.of(Kind.UNIXHTTP, Kind.UNIXHTTP_NOCREDS, Kind.UNIXHTTP_PROCESS, Kind.UNIXHTTP_AUDIT, Kind.UNIXHTTP_NOLIMITS, Kind.JETTY_UDS),
            false, false, false, false, 0),
        /** Only abstract names against a path, for working on them. */
        ABSTRACT(4, 2.0, 1.0, List.of(), List.of(), false, false, false, true, 0),
        /**
         * Only the reverse-proxy scenario, with credentials off beside the defaults, for working on it; then the system
         * calls counted, as in {@link #TARGETS} (the app's behind nginx among them).
         */
        PROXY(5, 2.0, 1.0, List.of(), List.of(), false, true, false, false, 0),
        /** Only the client side, for working on the clients. */
        CLIENTS(3, 1.5, 1.0, List.of(), List.of(), false, false, true, false, 0),
        FULL(5, 3.0, 1.0, standardWorkloads(), List.of(Kind.UNIXHTTP, Kind.UNIXHTTP_NOCREDS, Kind.UNIXHTTP_POLICY, Kind.UNIXHTTP_INHERITED,
            Kind.JETTY_UDS, Kind.JETTY_TCP), true, true, true, true, 5000);

        final int rounds;
        final double seconds;
        final double warmUp;
        final List<Workload> workloads;
        final List<Kind> servers;
        /** Whether the servers also run with a non-blocking handler (and Netty, the reference there). */
        final boolean nonBlocking;
        /** Whether the reverse-proxy scenario runs: h2load to nginx on loopback TCP to each app. */
        final boolean proxy;
        final boolean clients;
        final boolean abstractNames;
        final int idleConnections;

        Mode(int rounds, double seconds, double warmUp, List<Workload> workloads, List<Kind> servers, boolean nonBlocking, boolean proxy,
             boolean clients, boolean abstractNames, int idleConnections)
        {
            this.rounds = rounds;
            this.seconds = seconds;
            this.warmUp = warmUp;
            this.workloads = workloads;
            this.servers = servers;
            this.nonBlocking = nonBlocking;
            this.proxy = proxy;
            this.clients = clients;
            this.abstractNames = abstractNames;
            this.idleConnections = idleConnections;
        }

        private static List<Workload> standardWorkloads()
        {
            return List.of(new Workload("c1", 1, false), new Workload("c16", 16, false), new Workload("c256", 256, false),
                new Workload("churn16", 16, true));
        }
    }

    /** The apps measured behind nginx, and the loads put on nginx. */
    static final List<Kind> PROXIED = List.of(Kind.UNIXHTTP, Kind.JETTY_UDS, Kind.JETTY_TCP);
    static final List<Kind> PROXIED_AND_NOCREDS = List.of(Kind.UNIXHTTP, Kind.UNIXHTTP_NOCREDS, Kind.JETTY_UDS, Kind.JETTY_TCP);
    static final List<Workload> PROXY_WORKLOADS = List.of(new Workload("c16", 16, false), new Workload("c256", 256, false));
    static final String PROXY = "proxy";
    static final String CPU = "cpu";
    static final String SYSCALLS = "syscalls";

    private Bench(Mode mode, int rounds, Path out) throws IOException
    {
        this.mode = mode;
        this.rounds = rounds;
        this.out = out;
        this.work = Files.createTempDirectory("uhb");
    }

    public static void main(String[] args) throws Exception
    {
        Mode mode = Mode.QUICK;
        int rounds = 0;
        Path out = Path.of("bench", "results");
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--quick" -> mode = Mode.QUICK;
                case "--full" -> mode = Mode.FULL;
                case "--smoke" -> mode = Mode.SMOKE;
                case "--clients" -> mode = Mode.CLIENTS;
                case "--targets" -> mode = Mode.TARGETS;
                case "--abstract" -> mode = Mode.ABSTRACT;
                case "--features" -> mode = Mode.FEATURES;
                case "--proxy" -> mode = Mode.PROXY;
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--pin" -> System.setProperty(CorePinning.PROPERTY, "true");
                case "--jvm-options" -> System.setProperty(ServerProcess.JVM_OPTIONS_PROPERTY, args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default ->
                {
                    System.err.println("usage: Bench [--quick | --targets | --full | --smoke | --clients | --abstract | --proxy | --features] [--rounds N] [--pin] [--jvm-options \"OPTIONS\"] [--out DIR]");
                    System.exit(2);
                }
            }
        }
        Files.createDirectories(out);
        new Bench(mode, rounds > 0 ? rounds : mode.rounds, out).run();
    }

    private void run() throws Exception
    {
        Instant start = Instant.now();
        System.out.println("unixhttp bench, " + mode + " mode: " + environment().replace('\n', ' '));
        for (int round = 1; round <= rounds; round++)
        {
            System.out.println("round " + round + " of " + rounds);
            if (!mode.servers.isEmpty())
                serverRound(round);
            if (mode.proxy && which("nginx") != null)
                proxyRound(round);
            if (mode.clients)
                clientRound(round);
            if (mode.abstractNames)
            {
                // Our clients run in this JVM: a first pass, not recorded, lets the JIT compile them before round 1.
                if (round == 1)
                    abstractRound(0);
                abstractRound(round);
            }
            if (mode.idleConnections > 0)
                idleConnections(round);
        }
        if (mode == Mode.TARGETS || mode == Mode.FULL || mode == Mode.PROXY)
            countSystemCalls();
        Duration took = Duration.between(start, Instant.now());
        String name = "bench-" + mode.name().toLowerCase(Locale.ROOT);
        if (!heapByClass.isEmpty())
            Files.writeString(out.resolve(name + "-idle-heap.md"), Report.heapByClass(mode.idleConnections, heapByClass));
        results.writeCsv(out.resolve(name + ".csv"));
        if (!mode.servers.isEmpty() && mode != Mode.SMOKE)
            results.writeRatioChart(out.resolve(name + "-ratios.png"), List.of(SERVER, PROXY), REFERENCE,
                "Throughput relative to Jetty's UnixDomainServerConnector (" + mode.name().toLowerCase(Locale.ROOT) + " run)");
        Files.writeString(out.resolve(name + ".md"), Report.markdown(mode, rounds, results, environment(), took));
        System.out.println("wrote " + out.resolve(name + ".md") + " in " + took.toSeconds() + " s");
        deleteTree(work);
    }

    /** Every server once, in the same order, each in a fresh process per handler type. */
    private void serverRound(int round) throws Exception
    {
        for (boolean nonBlocking : new boolean[]{false, true})
        {
            String variant = nonBlocking ? "nonblocking" : "blocking";
            if (nonBlocking && !mode.nonBlocking)
                continue;
            for (Kind kind : inTurn(mode.servers, round))
            {
                String subject = subject(kind);
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
                        measure(round, SERVER, subject, variant, workload, kind == Kind.JETTY_TCP ? "tcp:" + port : "unix:" + socket, server);
                }
            }
            if (nonBlocking)
            {
                Path socket = work.resolve("netty-" + round + ".sock");
                try (ServerProcess netty = ServerProcess.startJvm(List.of(), "netty " + socket, NettyServer.class.getName(), socket.toString()))
                {
                    for (Workload workload : mode.workloads)
                        measure(round, SERVER, "netty", variant, workload, "unix:" + socket, netty);
                }
            }
            if (!nonBlocking && mode == Mode.FULL && which("nginx") != null)
            {
                Path dir = Files.createDirectories(work.resolve("nginx-" + round));
                Path socket = dir.resolve("nginx.sock");
                try (ServerProcess nginx = ServerProcess.startNginx(dir, socket))
                {
                    for (Workload workload : mode.workloads)
                        measure(round, SERVER, "nginx", variant, workload, "unix:" + socket, nginx);
                }
            }
        }
    }

    /**
     * The reverse-proxy scenario: h2load over loopback TCP to nginx, which proxies to the app over our socket,
     * over Jetty's Unix connector, and over Jetty TCP; with nginx's default proxy configuration (a new upstream
     * connection per request) and with upstream keep-alive. Blocking handler; a fresh app and nginx per point set.
     */
    private void proxyRound(int round) throws Exception
    {
        for (boolean keepAlive : new boolean[]{false, true})
        {
            String variant = keepAlive ? "nginx-keepalive" : "nginx-default";
            for (Kind kind : inTurn(mode == Mode.PROXY ? PROXIED_AND_NOCREDS : PROXIED, round))
            {
                String subject = subject(kind);
                Path socket = work.resolve("proxied-" + subject + ".sock");
                Files.deleteIfExists(socket);
                int appPort = kind == Kind.JETTY_TCP ? freePort() : 0;
                String address = kind == Kind.JETTY_TCP ? Integer.toString(appPort) : socket.toString();
                String upstream = kind == Kind.JETTY_TCP ? "127.0.0.1:" + appPort : "unix:" + socket;
                Path dir = Files.createDirectories(work.resolve("proxy-" + round + "-" + variant + "-" + subject));
                int nginxPort = freePort();
                try (ServerProcess app = ServerProcess.startJvm(List.of(), kind, address, false);
                     ServerProcess nginx = ServerProcess.startNginxProxy(dir, nginxPort, upstream, keepAlive))
                {
                    for (Workload workload : PROXY_WORKLOADS)
                        measure(round, PROXY, subject, variant, workload, "tcp:" + nginxPort, app);
                }
            }
        }
    }

    /**
     * The subjects in the order of this round: each round starts one further along, so that no subject is always
     * measured first (a fixed order measured our defaults after credentials-off in every round, and that position
     * alone made them look 12% slower behind nginx). Jetty TCP always comes last: its churn leaves tens of thousands of
     * loopback connections in TIME_WAIT for a minute (14,000 after 1 s here), a cost to whichever server runs next,
     * and with the rest rotating, that would always be the same one.
     */
    static List<Kind> inTurn(List<Kind> subjects, int round)
    {
        List<Kind> ordered = new ArrayList<>(subjects);
        boolean tcp = ordered.remove(Kind.JETTY_TCP);
        if (!ordered.isEmpty())
            Collections.rotate(ordered, -(Math.max(round, 1) - 1) % ordered.size());
        if (tcp)
            ordered.add(Kind.JETTY_TCP);
        return ordered;
    }

    static String subject(Kind kind)
    {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private void measure(int round, String section, String subject, String variant, Workload workload, String target, ServerProcess server)
        throws Exception
    {
        try
        {
            H2load.Outcome outcome = H2load.run(target, workload, mode.seconds, mode.warmUp, server);
            results.add(new Results.Measurement(round, section, subject, workload.name(), variant, outcome.rate(), "req/s"));
            ServerProcess.CpuTime cpu = outcome.cpuPerRequest();
            if (cpu != null && (variant.equals("blocking") || section.equals(PROXY)))
            {
                // Beside each throughput figure: the server's CPU per request, read from /proc around the measured run;
                // for churn that is per connection (where it goes: churn-profile.md).
                String what = workload.churn() ? "per-connection" : "per-request-" + workload.name();
                if (section.equals(PROXY))
                    what = "behind-" + variant + "-per-request-" + workload.name();
                results.add(new Results.Measurement(round, CPU, subject, what, "user+sys", (cpu.userNanos() + cpu.systemNanos()) / 1e3, "µs"));
                results.add(new Results.Measurement(round, CPU, subject, what, "sys", cpu.systemNanos() / 1e3, "µs"));
            }
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
            // The clients run in this JVM and warm up as the run goes on: whoever goes first in a round takes turns.
            boolean pathFirst = round % 2 == 1;
            for (boolean path : new boolean[]{pathFirst, !pathFirst})
            {
                if (path)
                {
                    Files.deleteIfExists(socket);
                    try (ServerProcess server = ServerProcess.startJvm(List.of(), Kind.UNIXHTTP, socket.toString(), nonBlocking))
                    {
                        abstractMeasurement(round, "unixhttp-path", nonBlocking, client, UnixSocketAddress.ofPath(socket));
                    }
                }
                else
                {
                    try (ServerProcess server = ServerProcess.startJvm(List.of(), Kind.UNIXHTTP_ABSTRACT, name, nonBlocking))
                    {
                        abstractMeasurement(round, "unixhttp-abstract", nonBlocking, client, UnixSocketAddress.ofAbstractName(name));
                    }
                }
            }
        }
    }

    private void abstractMeasurement(int round, String subject, boolean nonBlocking, ClientBench client, UnixSocketAddress address)
        throws Exception
    {
        if (round == 0)
        {
            // The warm-up pass.
            if (nonBlocking)
                client.jettyRate(address);
            else
                client.classicRate(address);
            return;
        }
        if (nonBlocking)
            results.add(new Results.Measurement(round, "abstract", subject, "jetty100", "nonblocking", client.jettyRate(address), "req/s"));
        else
            results.add(new Results.Measurement(round, "abstract", subject, "c16", "blocking", client.classicRate(address), "req/s"));
    }

    /**
     * System calls per keep-alive request and per churned connection, counted by strace once (counts do not move with
     * the machine's load as throughput does): our defaults, credentials off, and Jetty's connector, each warmed up first;
     * then, where the run has the reverse-proxy scenario, ours and Jetty's per request behind nginx with upstream keep-alive.
     */
    private void countSystemCalls() throws Exception
    {
        if (!SyscallCount.available())
        {
            System.out.println("strace is not installed: system calls not counted");
            return;
        }
        for (Kind kind : List.of(Kind.UNIXHTTP, Kind.UNIXHTTP_NOCREDS, Kind.JETTY_UDS))
        {
            String subject = subject(kind);
            Path socket = work.resolve("counted-" + subject + ".sock");
            Files.deleteIfExists(socket);
            try (ServerProcess server = ServerProcess.startJvm(List.of(), kind, socket.toString(), false))
            {
                String target = "unix:" + socket;
                for (Workload workload : List.of(new Workload("c16", 16, false), new Workload("churn16", 16, true)))
                {
                    H2load.run(target, workload, mode.warmUp, mode.warmUp, null);
                    Map<String, Double> calls = SyscallCount.perRequest(server, target, workload, workload.churn() ? 3_000 : 20_000,
                        work.resolve(subject + "-" + workload.name() + ".strace"));
                    String what = workload.churn() ? "per-connection" : "per-request-" + workload.name();
                    record(subject, what, calls);
                }
            }
            if (!mode.proxy || which("nginx") == null || kind == Kind.UNIXHTTP_NOCREDS)
                continue;
            // The app behind nginx with upstream keep-alive: nginx's requests, on connections it keeps.
            Files.deleteIfExists(socket);
            Path dir = Files.createDirectories(work.resolve("counted-proxy-" + subject));
            int nginxPort = freePort();
            try (ServerProcess app = ServerProcess.startJvm(List.of(), kind, socket.toString(), false);
                 ServerProcess nginx = ServerProcess.startNginxProxy(dir, nginxPort, "unix:" + socket, true))
            {
                // At c256 nginx has more requests in flight than idle upstream connections it keeps (64): it opens
                // connections beyond those and closes them after their response, so the app also sees churn there,
                // closed by the client this time.
                for (Workload workload : PROXY_WORKLOADS)
                {
                    H2load.run("tcp:" + nginxPort, workload, mode.warmUp, mode.warmUp, null);
                    record(subject, "behind-nginx-keepalive-per-request-" + workload.name(), SyscallCount.perRequest(app,
                        "tcp:" + nginxPort, workload, 20_000, work.resolve(subject + "-proxied-" + workload.name() + ".strace")));
                }
            }
        }
    }

    /** The calls made at least once per hundred requests (the rarer ones are start-up stragglers and timers). */
    private void record(String subject, String what, Map<String, Double> calls)
    {
        if (calls.isEmpty())
            System.out.println("  strace counted nothing for " + subject + " (may it attach? ptrace_scope)");
        calls.forEach((name, count) -> {
            if (count >= 0.01)
                results.add(new Results.Measurement(1, SYSCALLS, subject, what, name, count, "calls"));
        });
    }

    /** Each server once per round: accept and answer N connections, then memory per idle connection. */
    private void idleConnections(int round) throws Exception
    {
        for (Kind kind : List.of(Kind.UNIXHTTP, Kind.UNIXHTTP_NOCREDS, Kind.JETTY_UDS))
        {
            String subject = subject(kind);
            Path socket = work.resolve("idle-" + subject + ".sock");
            Files.deleteIfExists(socket);
            try (ServerProcess server = ServerProcess.startJvm(List.of(), kind, socket.toString(), false))
            {
                // What a desktop app embedding the server notices first: its resident memory before any connection,
                // a second after it said READY (the same JVM options for every server).
                Thread.sleep(1000);
                results.add(new Results.Measurement(round, "idle", subject, "fresh-rss", "-", server.residentBytes() / 1e6, "MB"));
                IdleConnectionsBench.Outcome outcome = IdleConnectionsBench.run(server, socket, mode.idleConnections);
                results.add(new Results.Measurement(round, "idle", subject, "accept-all", "-", outcome.acceptAllMillis(), "ms"));
                results.add(new Results.Measurement(round, "idle", subject, "memory", "-", outcome.bytesPerConnection(), "bytes/connection"));
                results.add(new Results.Measurement(round, "idle", subject, "heap", "-", outcome.heapBytesPerConnection(), "bytes/connection"));
                if (round == 1)
                    heapByClass.put(subject, outcome.heapByClass());
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
            "cores: " + CorePinning.describe() + "\n" +
            "server JVMs: " + (ServerProcess.benchJvmOptions().isEmpty() ? "the JVM's defaults (no heap or collector options)"
                : String.join(" ", ServerProcess.benchJvmOptions())) + "\n" +
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

    static void deleteTree(Path dir) throws IOException
    {
        try (var walk = Files.walk(dir))
        {
            for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList())
                Files.deleteIfExists(path);
        }
    }
}
