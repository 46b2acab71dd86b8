package io.github.unixhttp.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Markdown report of a run: environment, tables, and each target with what was measured against it.
 */
final class Report
{
    private Report()
    {
    }

    static String markdown(Bench.Mode mode, Results results, String environment, Duration took)
    {
        StringBuilder md = new StringBuilder("# unixhttp bench (" + mode.name().toLowerCase(Locale.ROOT) + " run)\n\n");
        md.append("```\n").append(environment).append("\n```\n\n");
        md.append(String.format(Locale.ROOT, "%d rounds, %.1f s measured after %.1f s warm-up per point; servers interleaved in " +
            "every round, each in a fresh process; h2load (HTTP/1.1) on the same 2 cores. Took %d s.%n%n",
            mode.rounds, mode.seconds, mode.warmUp, took.toSeconds()));
        md.append("## Server throughput (h2load)\n\n").append(results.table(Bench.SERVER, Bench.REFERENCE, "requests/s")).append('\n');
        if (mode != Bench.Mode.SMOKE)
            md.append("![ratios](bench-").append(mode.name().toLowerCase(Locale.ROOT)).append("-ratios.png)\n\n");
        for (String family : List.of("classic", "async", "jetty"))
        {
            if (!results.select(m -> m.section().equals("client-" + family)).isEmpty())
                md.append("## Client side: ").append(family).append("\n\n").append(results.table("client-" + family, "plain-uds", "requests/s")).append('\n');
        }
        if (!results.select(m -> m.section().equals("abstract")).isEmpty())
            md.append("## Abstract name vs path (our classic client, 16 threads, blocking handler; our Jetty client, 100 in flight, non-blocking handler)\n\n").append(results.table("abstract", "unixhttp-path", "requests/s")).append('\n');
        if (!results.select(m -> m.section().equals("idle")).isEmpty())
            md.append("## ").append(mode.idleConnections).append(" idle keep-alive connections\n\n").append(results.table("idle", "jetty-uds", "ms or bytes")).append('\n');
        md.append("## Targets\n\n| target | measured | verdict |\n|---|---|---|\n");
        for (String[] row : targets(results))
            md.append("| ").append(row[0]).append(" | ").append(row[1]).append(" | ").append(row[2]).append(" |\n");
        return md.toString();
    }

    private static List<String[]> targets(Results results)
    {
        List<String[]> rows = new ArrayList<>();
        for (String workload : List.of("c1", "c16", "c256", "churn16"))
        {
            ratio(rows, "blocking " + workload + ": ours ≥ 1.00x Jetty UDS", results.medianRatio(Bench.SERVER, "unixhttp", "jetty-uds", workload, "blocking"), 1.00);
            ratio(rows, "blocking " + workload + ": ours ≥ 1.2x Jetty TCP", results.medianRatio(Bench.SERVER, "unixhttp", "jetty-tcp", workload, "blocking"), 1.2);
        }
        ratio(rows, "churn: ours ≥ 1.2x Jetty UDS", results.medianRatio(Bench.SERVER, "unixhttp", "jetty-uds", "churn16", "blocking"), 1.2);
        ratio(rows, "churn with credentials + policy ≥ 0.95x ours without", results.medianRatio(Bench.SERVER, "unixhttp-creds", "unixhttp", "churn16", "blocking"), 0.95);
        for (String workload : List.of("c16", "c256"))
            ratio(rows, "non-blocking " + workload + ": ours ≥ Netty epoll", results.medianRatio(Bench.SERVER, "unixhttp", "netty", workload, "nonblocking"), 1.0);
        for (String workload : List.of("c1", "c16", "c256", "churn16"))
            ratio(rows, "inherited " + workload + " ≥ 0.97x ours bound", results.medianRatio(Bench.SERVER, "unixhttp-inherited", "unixhttp", workload, "blocking"), 0.97);
        ratio(rows, "abstract name vs path, classic client (stated, no target)", results.medianRatio("abstract", "unixhttp-abstract", "unixhttp-path", "c16", "blocking"), Double.NaN);
        ratio(rows, "abstract name vs path, Jetty client (stated, no target)", results.medianRatio("abstract", "unixhttp-abstract", "unixhttp-path", "jetty100", "nonblocking"), Double.NaN);
        double ours = results.median("idle", "unixhttp", "accept-all", "-");
        double jetty = results.median("idle", "jetty-uds", "accept-all", "-");
        ratio(rows, "idle connections: accept all within 2x Jetty's time (ours/Jetty, lower is better)", ours / jetty, -2.0);
        double oursMemory = results.median("idle", "unixhttp", "memory", "-");
        double jettyMemory = results.median("idle", "jetty-uds", "memory", "-");
        ratio(rows, "idle connections: memory per connection no worse (ours/Jetty, lower is better)", oursMemory / jettyMemory, -1.0);
        for (String family : List.of("classic", "async", "jetty"))
        {
            ratio(rows, family + " client: unit ≥ 0.97x plain setUnixDomainSocket",
                results.medianRatio("client-" + family, "unixhttp-unit", "plain-uds", family.equals("classic") ? "c16" : "inflight100", "-"), 0.97);
            ratio(rows, family + " client: unit ≥ 1.2x TCP",
                results.medianRatio("client-" + family, "unixhttp-unit", "tcp", family.equals("classic") ? "c16" : "inflight100", "-"), 1.2);
        }
        return rows;
    }

    /** A negative target is a ceiling (lower is better); NaN means stated, not judged. */
    private static void ratio(List<String[]> rows, String target, double measured, double goal)
    {
        if (Double.isNaN(measured) || Double.isInfinite(measured))
        {
            rows.add(new String[]{target, "not measured in this run", "–"});
            return;
        }
        String verdict;
        if (Double.isNaN(goal))
            verdict = "stated";
        else if (goal < 0)
            verdict = measured <= -goal ? "met" : String.format(Locale.ROOT, "missed by %.1f%%", (measured / -goal - 1) * 100);
        else
            verdict = measured >= goal ? "met" : String.format(Locale.ROOT, "missed by %.1f%%", (1 - measured / goal) * 100);
        rows.add(new String[]{target, String.format(Locale.ROOT, "%.3fx", measured), verdict});
    }
}
