package io.github.unixhttp.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drives a server with h2load (HTTP/1.1) for a fixed time and reads back requests per second.
 */
final class H2load
{
    /** Requests a churn run asks for per intended second: about what one server does here. */
    private static final double CHURN_PER_SECOND = 10_000;
    private static final Pattern FINISHED = Pattern.compile("finished in [0-9.]+m?s, ([0-9.]+) req/s");
    private static final Pattern REQUESTS = Pattern.compile("requests: (\\d+) total, \\d+ started, (\\d+) done, (\\d+) succeeded, (\\d+) failed, (\\d+) errored");

    private H2load()
    {
    }

    /**
     * @param target {@code unix:/path} or {@code tcp:PORT}
     * @param server the process whose CPU time to read around the measured part of the run, or {@code null}
     * @return requests per second, counting only succeeded requests; with a server, its CPU per request (for churn,
     *         where every request has its own connection, that is its CPU per connection)
     */
    static Outcome run(String target, Workload workload, double seconds, double warmUpSeconds, ServerProcess server)
        throws IOException, InterruptedException
    {
        if (!workload.churn())
        {
            // Warm-up, then the measured run, in two runs of h2load: the server's CPU is read around the second only.
            once(target, workload, List.of("-D", format(warmUpSeconds)), warmUpSeconds);
            ServerProcess.CpuTime before = server == null ? null : server.cpuTime();
            Counted measured = once(target, workload, List.of("-D", format(seconds)), seconds);
            return new Outcome(measured.rate(), perRequest(server, before, measured));
        }
        // h2load's timed mode never ends when every request closes its connection: count requests instead,
        // sized for about the same time, after a separate warm-up run. That warm-up is three times as long as the
        // keep-alive ones: connection setup and close are code the keep-alive loads before it never ran, and until
        // the JIT has compiled them a churned connection costs three times the CPU it does at steady state.
        once(target, workload, List.of("-n", Long.toString(Math.max(500, Math.round(3 * warmUpSeconds * CHURN_PER_SECOND)))), 3 * warmUpSeconds);
        ServerProcess.CpuTime before = server == null ? null : server.cpuTime();
        Counted measured = once(target, workload, List.of("-n", Long.toString(Math.max(1000, Math.round(seconds * CHURN_PER_SECOND)))), seconds);
        // Every request had its own connection: the requests h2load started are the connections the server served.
        return new Outcome(measured.rate(), perRequest(server, before, measured));
    }

    /** @return the server's CPU time since {@code before}, per request h2load started; {@code null} without a server */
    private static ServerProcess.CpuTime perRequest(ServerProcess server, ServerProcess.CpuTime before, Counted measured)
        throws IOException
    {
        if (before == null || measured.succeeded() == 0)
            return null;
        ServerProcess.CpuTime used = server.cpuTime().minus(before);
        return new ServerProcess.CpuTime(used.userNanos() / measured.total(), used.systemNanos() / measured.total());
    }

    /** Requests per second, and the server's CPU time per request (per connection for churn), or {@code null}. */
    record Outcome(double rate, ServerProcess.CpuTime cpuPerRequest)
    {
    }

    /** A run of a fixed number of requests: its rate, and how many were started and succeeded. */
    record Counted(double rate, long total, long succeeded)
    {
    }

    static Counted requests(String target, Workload workload, long requests) throws IOException, InterruptedException
    {
        return once(target, workload, List.of("-n", Long.toString(requests)), requests / CHURN_PER_SECOND);
    }

    private static Counted once(String target, Workload workload, List<String> amount, double seconds) throws IOException, InterruptedException
    {
        List<String> command = new ArrayList<>(CorePinning.load());
        command.addAll(List.of("h2load", "--h1"));
        command.addAll(amount);
        command.addAll(List.of("-c", Integer.toString(workload.clients()), "-t", Integer.toString(workload.clients() >= 64 ? 2 : 1)));
        if (workload.churn())
            command.addAll(List.of("-H", "Connection: close"));
        String uri;
        if (target.startsWith("unix:"))
        {
            command.addAll(List.of("-B", target));
            uri = "http://localhost/";
        }
        else
            uri = "http://127.0.0.1:" + target.substring("tcp:".length()) + "/";
        command.add(uri);
        String output;
        Path log = Files.createTempFile("h2load", ".out");
        try
        {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!process.waitFor(60 + (long)(10 * seconds), TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                throw new IOException("h2load did not finish in time: " + command);
            }
            output = Files.readString(log);
        }
        finally
        {
            Files.deleteIfExists(log);
        }
        Matcher finished = FINISHED.matcher(output);
        Matcher requests = REQUESTS.matcher(output);
        if (!finished.find() || !requests.find())
            throw new IOException("Could not read h2load's output for " + command + ":\n" + output);
        long total = Long.parseLong(requests.group(1));
        long succeeded = Long.parseLong(requests.group(3));
        double rate = Double.parseDouble(finished.group(1));
        return new Counted(total == 0 ? 0 : rate * succeeded / total, total, succeeded);
    }

    private static String format(double seconds)
    {
        return Math.round(seconds * 1000) + "ms";
    }

    static String version() throws IOException, InterruptedException
    {
        Process process = new ProcessBuilder("h2load", "--version").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        process.waitFor();
        return output;
    }

    /** What the load looks like: concurrent connections, and whether each request gets a fresh connection. */
    record Workload(String name, int clients, boolean churn)
    {
    }
}
