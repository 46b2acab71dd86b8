package io.github.unixhttp.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Markdown report of a run: environment, tables, and each target with what was measured against it: the median
 * of the per-round ratios and their spread (lowest and highest round).
 */
final class Report
{
    private static final List<String> WORKLOADS = List.of("c1", "c16", "c256", "churn16");
    private static final String OURS = "unixhttp";
    private static final String NO_CREDENTIALS = "unixhttp-nocreds";
    private static final String POLICY = "unixhttp-policy";
    private static final String JETTY = "jetty-uds";
    private static final String TCP = "jetty-tcp";

    private Report()
    {
    }

    static String markdown(Bench.Mode mode, int rounds, Results results, String environment, Duration took)
    {
        String name = mode.name().toLowerCase(Locale.ROOT);
        StringBuilder md = new StringBuilder("# unixhttp bench (" + name + " run)\n\n");
        md.append("```\n").append(environment).append("\n```\n\n");
        md.append(String.format(Locale.ROOT, "%d rounds, %.1f s measured after %.1f s warm-up per point; servers interleaved in " +
            "every round (each round starting one server further along, Jetty TCP always last), each in a fresh process with its defaults; h2load (HTTP/1.1) on the same 2 cores. Took %d s.%n%n",
            rounds, mode.seconds, mode.warmUp, took.toSeconds()));
        md.append("Subjects: `unixhttp` is our connector with its defaults (peer credentials read at accept, every peer admitted); " +
            "`unixhttp-nocreds` has credentials off; `unixhttp-policy` reads them and checks a peer policy (same user or group " +
            "www-data); `jetty-uds` is Jetty's `UnixDomainServerConnector`, `jetty-tcp` Jetty's `ServerConnector` on loopback.\n\n");
        if (mode == Bench.Mode.FEATURES)
            md.append("## What each feature costs (against our defaults, in the same round)\n\n").append(featureTable(results)).append('\n');
        else
            md.append("## Targets\n\n").append(targetTable(results)).append('\n');
        md.append("## Server throughput (h2load)\n\n").append(results.table(Bench.SERVER, Bench.REFERENCE, "requests/s")).append('\n');
        if (!results.select(m -> m.section().equals(Bench.PROXY)).isEmpty())
            md.append("## Behind nginx (h2load → nginx on loopback TCP, 1 worker → the app)\n\n")
                .append("`nginx-default`: nginx's default proxy configuration (HTTP/1.0 upstream, a new upstream connection per request); " +
                    "`nginx-keepalive`: `keepalive 64` in the upstream block, `proxy_http_version 1.1`, an empty Connection header. " +
                    "h2load keeps its connections to nginx open.\n\n")
                .append(results.table(Bench.PROXY, JETTY, "requests/s")).append('\n');
        if (mode != Bench.Mode.SMOKE && !results.select(m -> m.section().equals(Bench.SERVER)).isEmpty())
            md.append("![ratios](bench-").append(name).append("-ratios.png)\n\n");
        if (!results.select(m -> m.section().equals(Bench.CPU)).isEmpty())
            md.append("## Server CPU per request (blocking handler), and per connection in churn\n\n")
                .append("Read from /proc/PID/stat (10 ms ticks) around each measured run (after its warm-up, in a run of h2load " +
                    "of its own), divided by the requests h2load started; in churn every request has its own connection, so that is " +
                    "per connection. `behind-...`: the app's CPU behind nginx. Where a churned connection's goes: " +
                    "[churn-profile.md](churn-profile.md).\n\n")
                .append(results.table(Bench.CPU, JETTY, "µs of server CPU (lower is better)")).append('\n');
        for (String family : List.of("classic", "async", "jetty"))
        {
            if (!results.select(m -> m.section().equals("client-" + family)).isEmpty())
                md.append("## Client side: ").append(family).append("\n\n").append(results.table("client-" + family, "plain-uds", "requests/s")).append('\n');
        }
        if (!results.select(m -> m.section().equals("abstract")).isEmpty())
            md.append("## Abstract name vs path (our classic client, 16 threads, blocking handler; our Jetty client, 100 in flight, non-blocking handler)\n\n")
                .append(results.table("abstract", "unixhttp-path", "requests/s")).append('\n');
        if (!results.select(m -> m.section().equals(Bench.SYSCALLS)).isEmpty())
            md.append("## System calls (counted)\n\n")
                .append("`strace -c -f` attached to each server (warmed up, in a process of its own) while h2load sends 20,000 keep-alive " +
                    "requests or 3,000 churned connections (and, with the reverse-proxy scenario, while h2load sends 20,000 requests to nginx " +
                    "in front of it with upstream keep-alive); the calls some server makes at least once per 20. Counted once: " +
                    "strace slows a server several times over, but what it counts does not move with the machine's load.\n\n")
                .append(syscallTable(results));
        if (!results.select(m -> m.section().equals("idle")).isEmpty())
            md.append("## ").append(mode.idleConnections).append(" idle keep-alive connections\n\n")
                .append("`memory`: growth of the server's resident set per connection; `heap`: growth of its live heap after a full GC " +
                    "(jcmd GC.class_histogram), per connection. Kernel socket buffers are in neither. By class: [idle heap](bench-")
                .append(name).append("-idle-heap.md).\n\n")
                .append(results.table("idle", JETTY, "ms or bytes")).append('\n');
        if (mode == Bench.Mode.FULL || mode == Bench.Mode.QUICK)
        {
            md.append("## Other targets\n\n| target | median | rounds (lowest–highest) | verdict |\n|---|---|---|---|\n");
            for (String[] row : otherTargets(results))
                md.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        return md.toString();
    }

    /**
     * Issue #26's targets, numbered as there, then issue #14's that #26 does not restate; each with the median of its
     * per-round ratios, their spread, and a verdict (see {@link #verdict}).
     */
    static String targetTable(Results results)
    {
        List<String[]> rows = new ArrayList<>();
        target(rows, "1. server CPU per churned connection ≤ 0.7x Jetty UDS (ours/Jetty, lower is better)",
            results.ratios(Bench.CPU, OURS, JETTY, "per-connection", "user+sys"), -0.7);
        target(rows, "1. churn ≥ 1.3x Jetty UDS, direct", results.ratios(Bench.SERVER, OURS, JETTY, "churn16", "blocking"), 1.3);
        for (String workload : List.of("c16", "c256"))
            target(rows, "1. churn ≥ 1.2x Jetty UDS behind nginx-default (new upstream connection per request), " + workload,
                results.ratios(Bench.PROXY, OURS, JETTY, workload, "nginx-default"), 1.2);
        for (String workload : List.of("c16", "c256"))
            target(rows, "2. keep-alive ≥ 1.00x Jetty UDS, direct, " + workload, results.ratios(Bench.SERVER, OURS, JETTY, workload, "blocking"), 1.00);
        for (String workload : List.of("c16", "c256"))
            target(rows, "2. keep-alive ≥ 1.00x Jetty UDS behind nginx-keepalive, " + workload,
                results.ratios(Bench.PROXY, OURS, JETTY, workload, "nginx-keepalive"), 1.00);
        for (String workload : WORKLOADS)
            target(rows, "3. defaults ≥ 0.98x credentials off, " + workload, results.ratios(Bench.SERVER, OURS, NO_CREDENTIALS, workload, "blocking"), 0.98);
        target(rows, "4. idle memory (RSS) per connection ≤ Jetty UDS (ours/Jetty, lower is better)", results.ratios("idle", OURS, JETTY, "memory", "-"), -1.0);
        target(rows, "4. idle live heap per connection ≤ Jetty UDS (ours/Jetty, lower is better)", results.ratios("idle", OURS, JETTY, "heap", "-"), -1.0);
        difference(rows, "4. a fresh server's resident memory ≤ Jetty UDS + 10 MB (ours − Jetty, MB; same JVM options)",
            results.differences("idle", OURS, JETTY, "fresh-rss", "-"), 10.0);
        for (String workload : List.of("c16", "c256"))
            target(rows, "5. server CPU per keep-alive request, ours / Jetty UDS (stated; lower is better), " + workload,
                results.ratios(Bench.CPU, OURS, JETTY, "per-request-" + workload, "user+sys"), Double.NaN);
        target(rows, "5. system calls per keep-alive request (counted, c16), ours / Jetty UDS (stated)",
            results.ratios(Bench.SYSCALLS, OURS, JETTY, "per-request-c16", "total"), Double.NaN);
        target(rows, "5. system calls per churned connection (counted), ours / Jetty UDS (stated)",
            results.ratios(Bench.SYSCALLS, OURS, JETTY, "per-connection", "total"), Double.NaN);
        for (String workload : List.of("c16", "c256"))
            target(rows, "5. system calls per request behind nginx-keepalive (counted, " + workload + "), ours / Jetty UDS (stated)",
                results.ratios(Bench.SYSCALLS, OURS, JETTY, "behind-nginx-keepalive-per-request-" + workload, "total"), Double.NaN);
        target(rows, "#14. defaults ≥ 1.00x Jetty UDS, c1", results.ratios(Bench.SERVER, OURS, JETTY, "c1", "blocking"), 1.00);
        for (String workload : WORKLOADS)
            target(rows, "#14. peer policy ≥ 0.98x credentials off, " + workload, results.ratios(Bench.SERVER, POLICY, NO_CREDENTIALS, workload, "blocking"), 0.98);
        target(rows, "#14. abstract name ≥ 0.95x path, classic client c16", results.ratios("abstract", "unixhttp-abstract", "unixhttp-path", "c16", "blocking"), 0.95);
        target(rows, "#14. abstract name ≥ 0.95x path, Jetty client 100 in flight",
            results.ratios("abstract", "unixhttp-abstract", "unixhttp-path", "jetty100", "nonblocking"), 0.95);
        for (String variant : List.of("nginx-default", "nginx-keepalive"))
        {
            for (String workload : List.of("c16", "c256"))
                target(rows, "behind " + variant + ", " + workload + ": ours / Jetty TCP upstream (stated)",
                    results.ratios(Bench.PROXY, OURS, TCP, workload, variant), Double.NaN);
        }
        StringBuilder table = new StringBuilder(summary(rows)).append("\n\n| target | median | rounds (lowest–highest) | verdict |\n|---|---|---|---|\n");
        for (String[] row : rows)
            table.append("| ").append(String.join(" | ", row)).append(" |\n");
        return table.append("\nNumbered as issue #26's targets; `#14.` rows are issue #14's that #26 does not restate. Ratios are taken " +
            "within each round (the servers run one after another in every round), then the median over rounds. A target is met " +
            "if every round met it, missed if none did, undecided if the rounds fall on both sides of it: the difference is within " +
            "this machine's round-to-round noise, where a verdict drawn from the median flips between runs.\n").toString();
    }

    /** How many of the judged rows were met, missed and undecided. */
    private static String summary(List<String[]> rows)
    {
        long met = rows.stream().filter(r -> r[3].equals("met")).count();
        long missed = rows.stream().filter(r -> r[3].startsWith("missed")).count();
        long undecided = rows.stream().filter(r -> r[3].startsWith("undecided")).count();
        return String.format(Locale.ROOT, "Verdicts: **%d met, %d missed, %d undecided** (of %d judged; the rest are stated figures).",
            met, missed, undecided, met + missed + undecided);
    }

    /**
     * System calls per keep-alive request and per churned connection, by name (counted once by strace: a count, which
     * does not move with the machine's load).
     */
    static String syscallTable(Results results)
    {
        List<Results.Measurement> counted = results.select(m -> m.section().equals(Bench.SYSCALLS));
        StringBuilder md = new StringBuilder();
        for (String workload : List.of("per-request-c16", "per-connection", "behind-nginx-keepalive-per-request-c16",
            "behind-nginx-keepalive-per-request-c256"))
        {
            // Every call some server makes at least once per 20 requests, the most frequent first ("total" leads).
            List<String> names = counted.stream().filter(m -> m.workload().equals(workload) && m.value() >= 0.05)
                .sorted(Comparator.comparingDouble(Results.Measurement::value).reversed()).map(Results.Measurement::variant).distinct().toList();
            if (names.isEmpty())
                continue;
            List<String> subjects = counted.stream().filter(m -> m.workload().equals(workload)).map(Results.Measurement::subject).distinct().toList();
            md.append(switch (workload)
                {
                    case "per-connection" -> "Per churned connection (c16, `Connection: close`)";
                    case "per-request-c16" -> "Per keep-alive request (c16)";
                    default -> "Per request behind nginx with upstream keep-alive (h2load " +
                        workload.substring(workload.lastIndexOf('-') + 1) + " to nginx; the app's calls)";
                }).append(":\n\n| call |");
            subjects.forEach(subject -> md.append(' ').append(subject).append(" |"));
            md.append("\n|---|").append("---:|".repeat(subjects.size())).append('\n');
            for (String name : names)
            {
                md.append("| ").append(name).append(" |");
                for (String subject : subjects)
                {
                    double value = counted.stream().filter(m -> m.workload().equals(workload) && m.subject().equals(subject) && m.variant().equals(name))
                        .mapToDouble(Results.Measurement::value).findFirst().orElse(0);
                    md.append(String.format(Locale.ROOT, " %.2f |", value));
                }
                md.append('\n');
            }
            md.append('\n');
        }
        return md.toString();
    }

    /**
     * Issue #24's figures: each optional feature on, as a ratio to our defaults in the same round; pidfd identity has a
     * target (at most 3% of churn throughput), the others are stated. CPU per churned connection beside them.
     */
    static String featureTable(Results results)
    {
        List<String[]> rows = new ArrayList<>();
        for (String workload : List.of("c16", "churn16"))
            target(rows, "which program is calling (pidfd) ≥ 0.97x defaults, " + workload,
                results.ratios(Bench.SERVER, "unixhttp-process", OURS, workload, "blocking"), 0.97);
        for (String workload : List.of("c16", "churn16"))
            target(rows, "audit trail on (JSON lines to a file): ours / defaults (stated), " + workload,
                results.ratios(Bench.SERVER, "unixhttp-audit", OURS, workload, "blocking"), Double.NaN);
        for (String workload : List.of("c16", "churn16"))
            target(rows, "defaults (per-caller limits on) ≥ 0.98x limits off, " + workload,
                results.ratios(Bench.SERVER, OURS, "unixhttp-nolimits", workload, "blocking"), 0.98);
        for (String workload : List.of("c16", "churn16"))
            target(rows, "defaults (credentials read) / credentials off (stated), " + workload,
                results.ratios(Bench.SERVER, OURS, NO_CREDENTIALS, workload, "blocking"), Double.NaN);
        for (String subject : List.of("unixhttp-process", "unixhttp-audit", "unixhttp-nolimits", NO_CREDENTIALS, JETTY))
            target(rows, "server CPU per churned connection, " + subject + " / defaults (stated; lower is better)",
                results.ratios(Bench.CPU, subject, OURS, "per-connection", "user+sys"), Double.NaN);
        StringBuilder table = new StringBuilder("| figure | median | rounds (lowest–highest) | verdict |\n|---|---|---|---|\n");
        for (String[] row : rows)
            table.append("| ").append(String.join(" | ", row)).append(" |\n");
        return table.append("\nSubjects: `unixhttp-process` reads which program is calling at every accept (`setReadPeerProcess(true)`: " +
            "pidfd, executable, cgroup); `unixhttp-audit` has the `AuditTrail` bean, its lines written by slf4j-simple to a file; " +
            "`unixhttp-nolimits` has `CallerLimits.none()`. Every client is h2load, one process: pidfd identity is read " +
            "for every connection, and the per-process cache (a second, keyed by the pidfd's inode) answers after the first.\n").toString();
    }

    private static List<String[]> otherTargets(Results results)
    {
        List<String[]> rows = new ArrayList<>();
        for (String workload : WORKLOADS)
            target(rows, "blocking " + workload + ": ours ≥ 1.2x Jetty TCP", results.ratios(Bench.SERVER, OURS, TCP, workload, "blocking"), 1.2);
        for (String workload : List.of("c16", "c256"))
            target(rows, "non-blocking " + workload + ": ours ≥ Netty epoll", results.ratios(Bench.SERVER, OURS, "netty", workload, "nonblocking"), 1.0);
        for (String workload : WORKLOADS)
            target(rows, "inherited " + workload + " ≥ 0.97x ours bound", results.ratios(Bench.SERVER, "unixhttp-inherited", OURS, workload, "blocking"), 0.97);
        target(rows, "idle connections: accept all within 2x Jetty's time (ours/Jetty, lower is better)",
            results.ratios("idle", OURS, JETTY, "accept-all", "-"), -2.0);
        for (String family : List.of("classic", "async", "jetty"))
        {
            String workload = family.equals("classic") ? "c16" : "inflight100";
            target(rows, family + " client: unit ≥ 0.97x plain setUnixDomainSocket", results.ratios("client-" + family, "unixhttp-unit", "plain-uds", workload, "-"), 0.97);
            target(rows, family + " client: unit ≥ 1.2x TCP", results.ratios("client-" + family, "unixhttp-unit", "tcp", workload, "-"), 1.2);
        }
        return rows;
    }

    /** A target on a per-round difference (at most {@code most}), with the median and the spread. */
    private static void difference(List<String[]> rows, String target, List<Double> differences, double most)
    {
        if (differences.isEmpty())
        {
            rows.add(new String[]{target, "not measured in this run", "–", "–"});
            return;
        }
        double measured = Results.median(differences);
        double lowest = differences.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double highest = differences.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        long met = differences.stream().filter(d -> d <= most).count();
        rows.add(new String[]{target, String.format(Locale.ROOT, "%+.1f", measured),
            String.format(Locale.ROOT, "%+.1f–%+.1f (%d)", lowest, highest, differences.size()),
            verdict(met, differences.size(), String.format(Locale.ROOT, "missed by %.1f", measured - most))});
    }

    /**
     * A target on per-round ratios: a positive goal is a floor, a negative one a ceiling (lower is better), NaN means
     * stated, not judged.
     */
    private static void target(List<String[]> rows, String target, List<Double> ratios, double goal)
    {
        if (ratios.isEmpty())
        {
            rows.add(new String[]{target, "not measured in this run", "–", "–"});
            return;
        }
        double measured = Results.median(ratios);
        double lowest = ratios.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double highest = ratios.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        String verdict;
        if (Double.isNaN(goal))
            verdict = "stated";
        else if (goal < 0)
            verdict = verdict(ratios.stream().filter(r -> r <= -goal).count(), ratios.size(),
                String.format(Locale.ROOT, "missed by %.1f%%", (measured / -goal - 1) * 100));
        else
            verdict = verdict(ratios.stream().filter(r -> r >= goal).count(), ratios.size(),
                String.format(Locale.ROOT, "missed by %.1f%%", (1 - measured / goal) * 100));
        rows.add(new String[]{target, String.format(Locale.ROOT, "%.3fx", measured),
            String.format(Locale.ROOT, "%.3f–%.3f (%d)", lowest, highest, ratios.size()), verdict});
    }

    /**
     * Met only if every round met the target, missed only if none did: a target some rounds meet and others miss lies
     * within this machine's round-to-round noise, and a verdict drawn from the median there would flip between runs.
     */
    static String verdict(long roundsMet, int rounds, String missed)
    {
        if (roundsMet == rounds)
            return "met";
        if (roundsMet == 0)
            return missed;
        return "undecided (" + roundsMet + " of " + rounds + " rounds met it)";
    }

    /** Where the live heap of idle connections goes, per server: bytes per connection by class. */
    static String heapByClass(int connections, Map<String, Map<String, Double>> bySubject)
    {
        StringBuilder md = new StringBuilder("# Live heap per idle connection, by class\n\n" + connections +
            " keep-alive connections, each after one request; the growth of each class's live bytes (jcmd GC.class_histogram, " +
            "full GC first) divided by the connections; round 1; classes growing by at least a byte per connection.\n\n");
        for (Map.Entry<String, Map<String, Double>> subject : bySubject.entrySet())
        {
            md.append("## ").append(subject.getKey()).append("\n\n| class | bytes per connection |\n|---|---:|\n");
            subject.getValue().forEach((type, bytes) -> md.append(String.format(Locale.ROOT, "| `%s` | %.1f |%n", type, bytes)));
            md.append('\n');
        }
        return md.toString();
    }
}
