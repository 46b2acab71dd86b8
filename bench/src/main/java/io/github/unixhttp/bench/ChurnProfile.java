package io.github.unixhttp.bench;

import java.io.IOException;
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
import java.util.function.Predicate;

import io.github.unixhttp.bench.BenchServer.Kind;
import io.github.unixhttp.bench.H2load.Workload;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a churned connection's server CPU goes, ours against Jetty's connector: each server alone in a fresh JVM,
 * warmed up, then h2load at c=16 with a connection per request while
 * <ul>
 *   <li>/proc/PID/stat gives user and system CPU per connection;</li>
 *   <li>{@code perf stat -e raw_syscalls:sys_enter} (if perf may) counts the system calls per connection;</li>
 *   <li>JFR (profile settings) samples the Java stacks: each sample is put in the stage of its innermost frame
 *   that names one (accept, credentials, endpoint and connection, parsing, handling, close, selector, ...);</li>
 * </ul>
 * then, in a separate shorter run, {@code strace -c -f} (if installed) breaks the system calls down by name.
 *
 * <pre>java -cp bench/target/unixhttp-bench.jar io.github.unixhttp.bench.ChurnProfile [--connections N] [--out DIR]</pre>
 */
public final class ChurnProfile
{
    private static final Workload CHURN = new Workload("churn16", 16, true);
    /** Connections to warm up with: until the JIT has compiled setup and close, a connection costs 3x its steady CPU. */
    private static final long WARM_UP = 100_000;

    /** Stages, innermost first: a sample goes to the first stage one of its frames (leaf to root) matches. */
    private static final List<Map.Entry<String, Predicate<String>>> STAGES = List.of(
        stage("kernel: accept(2)", f -> f.startsWith("__sys_accept") || f.startsWith("unix_accept") || f.startsWith("do_accept")),
        stage("kernel: close(2) of a socket", f -> f.startsWith("unix_release") || f.startsWith("sock_close") || f.startsWith("__fput")),
        stage("kernel: getsockopt(2) (peer credentials)", f -> f.startsWith("__sys_getsockopt") || f.startsWith("sk_getsockopt")),
        stage("kernel: read(2) of a request", f -> f.startsWith("unix_stream_recvmsg") || f.startsWith("unix_stream_read")),
        stage("kernel: write(2) of a response", f -> f.startsWith("unix_stream_sendmsg")),
        stage("kernel: epoll", f -> f.startsWith("do_epoll") || f.startsWith("ep_") || f.startsWith("__x64_sys_epoll")),
        stage("kernel: futex (thread wake-ups: park/unpark)", f -> f.startsWith("futex") || f.startsWith("__x64_sys_futex") || f.startsWith("do_futex")),
        stage("kernel: other system calls", f -> f.startsWith("do_syscall_64") || f.startsWith("entry_SYSCALL")),
        stage("kernel: scheduling, interrupts", f -> f.startsWith("schedule") || f.startsWith("__schedule") || f.startsWith("finish_task_switch") ||
            f.startsWith("irq") || f.startsWith("asm_")),
        stage("peer credentials (getsockopt, names)", f -> f.contains("PeerCredentials") || f.contains("NameService")),
        stage("accept(2) and the accepted channel", f -> f.contains("ServerSocketChannelImpl.accept") || f.contains("ServerSocketChannelImpl.implAccept") ||
            f.contains("SocketChannelImpl.<init>") || f.contains("SelectorAcceptor") || f.contains("UnixDomainSockets.accept") ||
            f.contains("ServerConnector") && f.contains("accept") || f.contains("UnixDomainServerConnector") && f.contains("accept") ||
            f.contains("Connector.accepted") || f.contains("configureBlocking")),
        stage("close", f -> f.contains(".doClose") || f.contains("implCloseSelectableChannel") || f.contains("SocketChannelImpl.close") ||
            f.contains("ChannelEndPoint.close") || f.contains("onClose") || f.contains("endPointClosed") || f.contains("destroyEndPoint")),
        stage("request parsing", f -> f.contains("HttpParser")),
        stage("response generation and write", f -> f.contains("HttpGenerator") || f.contains("SocketChannelImpl.write") || f.contains("ChannelEndPoint.flush")),
        stage("reading the request (read(2))", f -> f.contains("SocketChannelImpl.read") || f.contains("ChannelEndPoint.fill")),
        stage("request handling (Jetty core, handler)", f -> f.contains("HttpChannelState") || f.contains("BenchServer") ||
            f.contains("HttpConnection$RequestHandler") || f.contains("Customizer")),
        stage("endpoint and connection creation, registration", f -> f.contains("newEndPoint") || f.contains("newConnection") ||
            f.contains("createEndPoint") || f.contains("HttpConnection.<init>") || f.contains("endPointOpened") || f.contains("ManagedSelector$Accept") ||
            f.contains("SelectableChannel.register") || f.contains("SelectorManager.accept")),
        stage("HTTP connection (fill/parse/dispatch loop)", f -> f.contains("org.eclipse.jetty.server.internal.HttpConnection")),
        stage("selector (epoll, keys)", f -> f.contains("ManagedSelector") || f.contains("EPoll") || f.contains("SelectorImpl")),
        stage("thread pool and execution strategy", f -> f.contains("QueuedThreadPool") || f.contains("ReservedThread") || f.contains("AdaptiveExecutionStrategy")),
        stage("JVM: JIT compiler", f -> f.contains("CompileBroker") || f.contains("C2Compiler") || f.contains("Compilation::")),
        stage("JVM: garbage collector", f -> f.contains("GCTask") || f.contains("PSScavenge") || f.contains("ParallelScavenge") || f.contains("GangWorker")),
        stage("JVM: interpreter", f -> f.equals("Interpreter")));

    private ChurnProfile()
    {
    }

    private static Map.Entry<String, Predicate<String>> stage(String name, Predicate<String> frame)
    {
        return Map.entry(name, frame);
    }

    public static void main(String[] args) throws Exception
    {
        long connections = 60_000;
        Path out = Path.of("bench", "results");
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--connections" -> connections = Long.parseLong(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default ->
                {
                    System.err.println("usage: ChurnProfile [--connections N] [--out DIR]");
                    System.exit(2);
                }
            }
        }
        Path work = Files.createTempDirectory("uhp");
        StringBuilder md = new StringBuilder("# Where a churned connection's server CPU goes\n\n");
        md.append("h2load --h1 -c 16 -H 'Connection: close' (a connection per request), blocking handler, each server alone in a fresh JVM, ")
            .append(connections).append(" measured connections after ").append(WARM_UP).append(" to warm up. ")
            .append("CPU from /proc/PID/stat (10 ms ticks). ");
        if (Bench.which("perf") != null)
            md.append("System calls counted by `perf stat -e raw_syscalls:sys_enter` during the ")
                .append("measured run. Then a second run sampled by `perf record -e cpu-clock -F 999 -g` (kernel and Java frames: the server ")
                .append("runs with -XX:+PreserveFramePointer and `jcmd Compiler.perfmap` names its compiled methods; inlined methods count as ")
                .append("the method they were inlined into); each sample counts for the stage of its innermost frame that names one. ")
                .append("(JFR's sampler gave some 40 samples in 5 s here: on 2 saturated cores its thread rarely runs.) ");
        else
            md.append("No perf on this machine: no system call count during the measured run, and the second run is sampled by JFR ")
                .append("(profile settings; Java frames only, and few samples on saturated cores); each sample counts for the stage of ")
                .append("its innermost frame that names one. ");
        md.append("System calls by name from ")
            .append("`strace -c -f` on a separate run of 3,000 connections (strace slows the server; counts, not times, are what matter).\n\n")
            .append("Counted rather than timed (bytes allocated, throwables and system calls per connection and per request, which other load on ")
            .append("the box does not move): [connection-cost.md](connection-cost.md), from `ConnectionCost`.\n\n");
        Map<String, Profile> profiles = new LinkedHashMap<>();
        for (Kind kind : List.of(Kind.UNIXHTTP, Kind.UNIXHTTP_NOCREDS, Kind.JETTY_UDS))
            profiles.put(Bench.subject(kind), profile(kind, work, connections));
        md.append("## Per connection\n\n| server | req/s | CPU µs (user + sys) | user µs | sys µs | system calls |\n|---|---:|---:|---:|---:|---:|\n");
        profiles.forEach((subject, p) -> md.append(String.format(Locale.ROOT, "| %s | %,.0f | %.1f | %.1f | %.1f | %s |%n", subject, p.rate,
            p.userMicros + p.systemMicros, p.userMicros, p.systemMicros, Double.isNaN(p.syscalls) ? "–" : String.format(Locale.ROOT, "%.1f", p.syscalls))));
        md.append("\n## Java samples by stage (share of each server's samples)\n\n| stage |");
        profiles.keySet().forEach(subject -> md.append(' ').append(subject).append(" |"));
        md.append("\n|---|");
        profiles.keySet().forEach(subject -> md.append("---:|"));
        md.append('\n');
        List<String> stageNames = new ArrayList<>(STAGES.stream().map(Map.Entry::getKey).toList());
        stageNames.add("other");
        for (String stage : stageNames)
        {
            md.append("| ").append(stage).append(" |");
            profiles.values().forEach(p -> md.append(String.format(Locale.ROOT, " %.1f%% |", 100.0 * p.stages.getOrDefault(stage, 0L) / Math.max(1, p.samples))));
            md.append('\n');
        }
        md.append("| (samples) |");
        profiles.values().forEach(p -> md.append(' ').append(p.samples).append(" |"));
        md.append("\n\n");
        for (Map.Entry<String, Profile> entry : profiles.entrySet())
        {
            md.append("## ").append(entry.getKey()).append(": hottest methods (self), top 20\n\n| method | share |\n|---|---:|\n");
            Profile p = entry.getValue();
            p.selfMethods.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(20)
                .forEach(e -> md.append(String.format(Locale.ROOT, "| `%s` | %.1f%% |%n", e.getKey(), 100.0 * e.getValue() / Math.max(1, p.samples))));
            if (!p.syscallsByName.isEmpty())
            {
                md.append("\nSystem calls per connection (strace -c -f):\n\n| call | per connection |\n|---|---:|\n");
                p.syscallsByName.forEach((call, count) -> md.append(String.format(Locale.ROOT, "| %s | %.2f |%n", call, count)));
            }
            md.append('\n');
        }
        Files.createDirectories(out);
        Files.writeString(out.resolve("churn-profile.md"), md);
        System.out.println("wrote " + out.resolve("churn-profile.md"));
        Bench.deleteTree(work);
    }

    private static final class Profile
    {
        double rate;
        double userMicros;
        double systemMicros;
        double syscalls = Double.NaN;
        long samples;
        final Map<String, Long> stages = new HashMap<>();
        final Map<String, Long> selfMethods = new HashMap<>();
        final Map<String, Double> syscallsByName = new LinkedHashMap<>();
    }

    private static Profile profile(Kind kind, Path work, long connections) throws Exception
    {
        Profile profile = new Profile();
        String subject = Bench.subject(kind);
        Path socket = work.resolve(subject + ".sock");
        Path recording = work.resolve(subject + ".jfr");
        String target = "unix:" + socket;
        boolean perf = Bench.which("perf") != null;
        // Frame pointers let perf walk Java stacks; jcmd Compiler.perfmap then names the compiled methods.
        List<String> jvmOptions = perf ? List.of("-XX:+PreserveFramePointer") : List.of();
        try (ServerProcess server = ServerProcess.startJvm(List.of(), jvmOptions, kind + " " + socket, BenchServer.class.getName(),
            kind.name(), socket.toString(), "blocking"))
        {
            H2load.requests(target, CHURN, WARM_UP);
            // 1. The clean run: CPU per connection, and the system calls counted (a tracepoint count costs little).
            Process syscallCount = perf ? new ProcessBuilder("perf", "stat", "-x,", "-e", "raw_syscalls:sys_enter",
                "-p", Long.toString(server.pid()), "-o", work.resolve(subject + ".perfstat").toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start() : null;
            ServerProcess.CpuTime before = server.cpuTime();
            H2load.Counted run = H2load.requests(target, CHURN, connections);
            ServerProcess.CpuTime used = server.cpuTime().minus(before);
            if (syscallCount != null)
                profile.syscalls = stopPerfStat(syscallCount, work.resolve(subject + ".perfstat")) / (double)run.total();
            profile.rate = run.rate();
            profile.userMicros = used.userNanos() / 1e3 / run.total();
            profile.systemMicros = used.systemNanos() / 1e3 / run.total();
            // 2. The sampled run: perf (kernel and Java frames) where it may, else JFR (Java frames only).
            if (perf)
                perfProfile(server, target, connections / 2, work.resolve(subject + ".perf"), profile);
            else
            {
                jcmd(server, "JFR.start", "name=churn", "settings=profile");
                H2load.requests(target, CHURN, connections / 2);
                jcmd(server, "JFR.stop", "name=churn", "filename=" + recording);
                readRecording(recording, profile);
            }
            // 3. System calls by name, in a short run of its own: strace slows the server a lot.
            if (Bench.which("strace") != null)
                strace(server, target, work.resolve(subject + ".strace"), profile);
        }
        System.out.printf(Locale.ROOT, "%s: %.0f req/s, %.1f µs user + %.1f µs sys per connection, %.1f syscalls, %d samples%n", subject,
            profile.rate, profile.userMicros, profile.systemMicros, profile.syscalls, profile.samples);
        return profile;
    }

    /**
     * Samples every CPU at 999 Hz with call stacks while the server serves churn; then has the JVM write its
     * perf map (compiled methods' names) and reads the samples back through {@code perf script}.
     */
    private static void perfProfile(ServerProcess server, String target, long connections, Path data, Profile profile) throws Exception
    {
        Process record = new ProcessBuilder("perf", "record", "-e", "cpu-clock", "-F", "999", "-g", "-p", Long.toString(server.pid()),
            "-o", data.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Thread.sleep(300);
        H2load.requests(target, CHURN, connections);
        new ProcessBuilder("kill", "-INT", Long.toString(record.pid())).start().waitFor();
        record.waitFor(30, TimeUnit.SECONDS);
        jcmd(server, "Compiler.perfmap");
        Path map = Path.of("/tmp", "perf-" + server.pid() + ".map");
        Path script = data.resolveSibling(data.getFileName() + ".txt");
        try
        {
            Process report = new ProcessBuilder("perf", "script", "-i", data.toString(), "-F", "comm,tid,ip,sym")
                .redirectOutput(script.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            report.waitFor(120, TimeUnit.SECONDS);
        }
        finally
        {
            Files.deleteIfExists(map);
        }
        List<String> frames = new ArrayList<>();
        for (String line : Files.readAllLines(script))
        {
            if (line.isBlank())
            {
                addSample(frames, profile);
                frames.clear();
            }
            else if (Character.isWhitespace(line.charAt(0)))
            {
                // "\t    7f12ab... org.eclipse.jetty.http.HttpParser::parseNext" or "... do_syscall_64": the symbol after the address
                String[] parts = line.trim().split("\\s+", 2);
                frames.add(parts.length > 1 ? parts[1].replace("::", ".") : "[unknown]");
            }
        }
        addSample(frames, profile);
    }

    private static void addSample(List<String> frames, Profile profile)
    {
        if (frames.isEmpty())
            return;
        profile.samples++;
        profile.selfMethods.merge(frames.get(0), 1L, Long::sum);
        profile.stages.merge(stageOf(frames), 1L, Long::sum);
    }

    private static String stageOf(List<String> framesLeafFirst)
    {
        for (String frame : framesLeafFirst)
        {
            for (Map.Entry<String, Predicate<String>> candidate : STAGES)
            {
                if (candidate.getValue().test(frame))
                    return candidate.getKey();
            }
        }
        return "other";
    }

    private static long stopPerfStat(Process perf, Path output) throws Exception
    {
        // perf stat prints its counts when interrupted.
        new ProcessBuilder("kill", "-INT", Long.toString(perf.pid())).start().waitFor();
        if (!perf.waitFor(10, TimeUnit.SECONDS))
            perf.destroyForcibly();
        for (String line : Files.readAllLines(output))
        {
            String[] fields = line.split(",");
            if (fields.length > 2 && fields[2].contains("raw_syscalls:sys_enter") && fields[0].matches("\\d+"))
                return Long.parseLong(fields[0]);
        }
        throw new IOException("perf stat gave no count: " + Files.readString(output));
    }

    private static void strace(ServerProcess server, String target, Path output, Profile profile) throws Exception
    {
        Map<String, Double> perConnection = SyscallCount.perRequest(server, target, CHURN, 3_000, output);
        // The calls made at least once per 20 connections.
        perConnection.forEach((name, calls) -> {
            if (!name.equals("total") && calls >= 0.05)
                profile.syscallsByName.put(name, calls);
        });
    }

    private static void jcmd(ServerProcess server, String... command) throws Exception
    {
        List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(server.pid())));
        line.addAll(List.of(command));
        Process jcmd = new ProcessBuilder(line).redirectErrorStream(true).start();
        String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (jcmd.waitFor() != 0)
            throw new IOException("jcmd " + String.join(" ", command) + " failed: " + output);
    }

    private static void readRecording(Path recording, Profile profile) throws IOException
    {
        for (RecordedEvent event : RecordingFile.readAllEvents(recording))
        {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null)
                continue;
            List<RecordedFrame> frames = event.getStackTrace().getFrames();
            if (frames.isEmpty())
                continue;
            addSample(frames.stream().map(ChurnProfile::name).toList(), profile);
        }
    }

    private static String name(RecordedFrame frame)
    {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }
}
