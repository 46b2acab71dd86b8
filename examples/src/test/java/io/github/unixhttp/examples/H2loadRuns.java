package io.github.unixhttp.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * h2load run back to back, each run a fixed number of requests, from {@link #start} until {@link #finish}: h2load's
 * timed mode never ends when every request closes its connection, and a count fixed in advance could not know how
 * long the restarts take. Each run logs every request ({@code --log-file}), from which the served-requests timeline
 * and its largest gap are read. Closing stops the runs at once (the run under way is killed): a test that fails
 * before {@link #finish} leaves no h2load behind.
 */
final class H2loadRuns implements AutoCloseable
{
    private static final Pattern REQUESTS = Pattern.compile(
        "requests: (\\d+) total, \\d+ started, (\\d+) done, (\\d+) succeeded, (\\d+) failed, (\\d+) errored, (\\d+) timeout");
    private static final Pattern STATUS = Pattern.compile("status codes: (\\d+) 2xx, (\\d+) 3xx, (\\d+) 4xx, (\\d+) 5xx");

    private final Path workDir;
    private final List<String> command;
    private final long requestsPerRun;
    private final List<Result> results = new ArrayList<>();
    private final List<String> outputs = new ArrayList<>();
    private volatile boolean finishing;
    private volatile Process current;
    private CompletableFuture<Void> running;

    /**
     * @param arguments h2load's arguments but {@code -n} and {@code --log-file}, the URI last
     */
    H2loadRuns(Path workDir, long requestsPerRun, List<String> arguments)
    {
        this.workDir = workDir;
        this.requestsPerRun = requestsPerRun;
        this.command = List.copyOf(arguments);
    }

    /** Starts the first run; the next one starts as soon as one ends, until {@link #finish}. */
    H2loadRuns start()
    {
        running = CompletableFuture.runAsync(() ->
        {
            try
            {
                for (int run = 0; !finishing; run++)
                    runOnce(run);
            }
            catch (Exception failure)
            {
                throw new RuntimeException(failure);
            }
        });
        return this;
    }

    /** Lets the run under way end (it has a fixed number of requests) and starts no other; then the totals. */
    Result finish() throws Exception
    {
        finishing = true;
        running.get(10, TimeUnit.MINUTES);
        Result total = Result.NONE;
        for (Result result : results)
            total = total.plus(result);
        return total;
    }

    /** Stops at once: no other run starts, and the one under way is killed; what ran is kept. */
    @Override
    public void close() throws Exception
    {
        finishing = true;
        Process process = current;
        if (process != null)
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        if (running != null)
        {
            try
            {
                running.get(30, TimeUnit.SECONDS);
            }
            catch (java.util.concurrent.ExecutionException killed)
            {
                // The run under way failed because it was killed: expected when closing before finish().
            }
        }
    }

    /** Runs once, now, on this thread (a run of its own, say without restarts, to compare with). */
    Result runOnce() throws IOException, InterruptedException
    {
        runOnce(results.size());
        return results.get(results.size() - 1);
    }

    /** @return h2load's output of every run, for a failure message */
    String outputs()
    {
        return String.join("\n----\n", outputs);
    }

    private void runOnce(int run) throws IOException, InterruptedException
    {
        Path log = workDir.resolve("h2load-" + run + ".log");
        Path out = workDir.resolve("h2load-" + run + ".out");
        List<String> full = new ArrayList<>(List.of("h2load", "-n", Long.toString(requestsPerRun), "--log-file=" + log));
        full.addAll(command);
        Process process = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        current = process;
        try
        {
            if (!process.waitFor(5, TimeUnit.MINUTES))
                throw new IOException("h2load did not finish: " + full);
        }
        finally
        {
            process.destroyForcibly();
            current = null;
        }
        String output = Files.readString(out);
        outputs.add(output);
        Matcher requests = REQUESTS.matcher(output);
        Matcher status = STATUS.matcher(output);
        if (!requests.find() || !status.find())
            throw new IOException("Could not read h2load's output of " + full + ":\n" + output);
        Timeline timeline = Timeline.read(log);
        results.add(new Result(1, Long.parseLong(requests.group(1)), Long.parseLong(requests.group(2)),
            Long.parseLong(requests.group(3)), Long.parseLong(requests.group(4)), Long.parseLong(requests.group(5)),
            Long.parseLong(requests.group(6)), Long.parseLong(status.group(1)), timeline.largestGapMicros(), timeline.spanMicros()));
        Files.delete(log);
    }

    /**
     * What the runs add up to.
     *
     * @param largestGapMicros the longest time without a response completing, within a run
     * @param spanMicros the time from the first request sent to the last response complete, summed over runs
     */
    record Result(int runs, long total, long done, long succeeded, long failed, long errored, long timeout, long status2xx,
                  long largestGapMicros, long spanMicros)
    {
        static final Result NONE = new Result(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

        Result plus(Result other)
        {
            return new Result(runs + other.runs, total + other.total, done + other.done, succeeded + other.succeeded,
                failed + other.failed, errored + other.errored, timeout + other.timeout, status2xx + other.status2xx,
                Math.max(largestGapMicros, other.largestGapMicros), spanMicros + other.spanMicros);
        }

        /** @return whether every request asked for got a 2xx response */
        boolean allServed()
        {
            return total > 0 && failed == 0 && errored == 0 && timeout == 0 && status2xx == total;
        }

        double requestsPerSecond()
        {
            return spanMicros == 0 ? 0 : status2xx * 1e6 / spanMicros;
        }
    }

    /** The completion times of the requests one run logged. */
    private record Timeline(long largestGapMicros, long spanMicros)
    {
        static Timeline read(Path log) throws IOException
        {
            List<String> lines = Files.readAllLines(log);
            long[] ends = new long[lines.size()];
            int count = 0;
            long first = Long.MAX_VALUE;
            for (String line : lines)
            {
                // start (µs since the epoch), status (-1 for a failed stream), µs until the end of the response
                String[] fields = line.split("\t");
                if (fields.length < 3)
                    continue;
                long start = Long.parseLong(fields[0]);
                first = Math.min(first, start);
                if (Integer.parseInt(fields[1]) < 0)
                    continue;
                ends[count++] = start + Long.parseLong(fields[2]);
            }
            if (count == 0)
                return new Timeline(0, 0);
            java.util.Arrays.sort(ends, 0, count);
            long gap = ends[0] - first;
            for (int i = 1; i < count; i++)
                gap = Math.max(gap, ends[i] - ends[i - 1]);
            return new Timeline(gap, ends[count - 1] - first);
        }
    }
}
