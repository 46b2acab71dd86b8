package io.github.unixhttp.connector.limits;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.unixhttp.connector.SocketFileOptions;
import io.github.unixhttp.connector.binding.SocketFileMode;
import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #24's test: a second user (uid 65534, whom the policy admits) floods the server with connections and
 * requests (h2load as that user: 4 h2c connections of 100 streams, and 400 HTTP/1.1 keep-alive clients), while this
 * user sends requests one after another (a new connection every 25th) and times them. Three runs: no flood; the flood
 * against a server without limits; the flood against limits that bound every caller. Each request does 2 ms of
 * blocking work on one of the server's 32 threads. What is asserted holds on a loaded 2-core machine: with limits,
 * every one of this user's requests succeeds, the flooder holds no more connections than its limit and the server
 * no more descriptors than that allows, where without limits it holds one per flooding client; the latencies and
 * counts are printed for the report, not asserted.
 */
class FloodTest
{
    private static final CallerLimits LIMITS = CallerLimits.builder().maxConnections(64).maxRequestsInFlight(8).build();
    private static final Duration MEASURED = Duration.ofSeconds(4);
    /** The flood starts this long before this user's requests and ends this long after. */
    private static final Duration MARGIN = Duration.ofSeconds(1);
    private static final String WORK = "/work?ms=2";
    private static final String FLOODER = "uid " + Run.OTHER_UID;

    @TempDir
    Path dir;
    private int runs;

    @Test
    void anAllowedUserIsServedWhileAnotherFloodsConnectionsAndRequests() throws Exception
    {
        Requirements.requireRoot();
        Requirements.requireCommand("h2load");
        Run.openToOthers(dir);

        Outcome quiet = run("no flood", LIMITS, false);
        Outcome unlimited = run("flood, no limits", CallerLimits.none(), true);
        Outcome limited = run("flood, limits (" + LIMITS + ")", LIMITS, true);
        for (Outcome outcome : List.of(quiet, unlimited, limited))
            System.out.println(outcome.report());

        assertEquals(0, limited.mine.failures(), limited.report());
        assertTrue(limited.mine.served() >= 20, limited.report());
        // It was a flood: the flooder was refused over its limits, and still served within them.
        assertTrue(limited.connectionsRefused > 0 && limited.requestsRefused > 0, limited.report());
        assertTrue(limited.flooderServed > 0, limited.report());
        assertTrue(limited.flooderConnectionsAtMost <= LIMITS.maxConnections(), limited.report());
        // What the flood holds: its connections, its refused ones waiting, and a few more accepted and being closed.
        // The peak is printed, not asserted: each of hundreds of connections arriving at once has a descriptor until
        // it is refused.
        long bound = LIMITS.maxConnections() + LIMITS.maxRefusedConnections() + 32;
        assertTrue(limited.descriptorsMedian <= bound, "median descriptors above the run's start: " + limited.descriptorsMedian +
            ", more than " + bound + "\n" + limited.report());
        assertTrue(unlimited.descriptorsMedian > bound, "the flood without limits should hold more:\n" + unlimited.report());
    }

    /** One run: a server with {@code limits}; a flood or not; this user's requests timed meanwhile. */
    private Outcome run(String name, CallerLimits limits, boolean flood) throws Exception
    {
        Path socket = dir.resolve("run" + (++runs) + ".sock");
        Outcome outcome = new Outcome(name);
        try (LimitsServer server = LimitsServer.start(socket, connector ->
        {
            connector.setCallerLimits(limits);
            connector.setSocketFile(SocketFileOptions.builder().mode(SocketFileMode.parse("0666")).build());
        }))
        {
            List<Process> flooders = new ArrayList<>();
            List<Path> outputs = new ArrayList<>();
            ExecutorService measuring = Executors.newFixedThreadPool(2);
            try (DescriptorPeak descriptors = DescriptorPeak.start())
            {
                if (flood)
                {
                    int seconds = (int)(MEASURED.plus(MARGIN).plus(MARGIN).toSeconds());
                    // The h2c connections first, so that they are among those a limit lets in (the other way round
                    // the limit lets in almost only HTTP/1.1 ones, a milder flood: one request in flight each).
                    flooders.add(h2load(socket, outputs, seconds, "-c", "4", "-m", "100"));
                    Thread.sleep(300);
                    flooders.add(h2load(socket, outputs, seconds, "--h1", "-c", "400", "-t", "2"));
                    Thread.sleep(MARGIN.toMillis() - 300);
                }
                long handledBefore = server.handler().handled();
                long connectionsRefusedBefore = connectionsRefused(server);
                long requestsRefusedBefore = server.connector().getRequestsRefusedOverLimit();
                Future<Latencies> mine = measuring.submit(() -> timeRequests(server));
                Future<Integer> flooderConnections = measuring.submit(() -> mostConnectionsOfTheFlooder(server));
                outcome.mine = mine.get(60, TimeUnit.SECONDS);
                outcome.flooderConnectionsAtMost = flooderConnections.get(60, TimeUnit.SECONDS);
                outcome.flooderServed = server.handler().handled() - handledBefore - outcome.mine.served();
                outcome.connectionsRefused = connectionsRefused(server) - connectionsRefusedBefore;
                outcome.requestsRefused = server.connector().getRequestsRefusedOverLimit() - requestsRefusedBefore;
                outcome.descriptorsAtMost = descriptors.aboveBaseline();
                outcome.descriptorsMedian = descriptors.medianAboveBaseline();
                // h2load's -D ends it, usually: a client that reconnected after its duration has been seen to go on.
                for (Process flooder : flooders)
                {
                    if (!flooder.waitFor(MARGIN.toMillis() + 5000, TimeUnit.MILLISECONDS))
                        flooder.destroy();
                }
            }
            finally
            {
                measuring.shutdownNow();
                flooders.forEach(Process::destroyForcibly);
            }
            for (Path output : outputs)
                outcome.flooderOutput.add(summary(Files.readString(output, StandardCharsets.UTF_8)));
        }
        return outcome;
    }

    private static long connectionsRefused(LimitsServer server)
    {
        return server.connector().getConnectionsRefusedOverLimit() + server.connector().getRefusedConnectionsClosedUnanswered();
    }

    private Process h2load(Path socket, List<Path> outputs, int seconds, String... options) throws IOException
    {
        Path output = Files.createTempFile(dir, "h2load", ".out");
        outputs.add(output);
        List<String> command = new ArrayList<>(List.of("h2load", "-D", Integer.toString(seconds), "--base-uri=unix:" + socket));
        command.addAll(List.of(options));
        command.add("http://localhost" + WORK);
        return new ProcessBuilder(Run.asOtherUser(command)).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    /** This user's requests, one after another on a keep-alive connection, a new one every 25th request. */
    private static Latencies timeRequests(LimitsServer server) throws IOException
    {
        List<Long> latencies = new ArrayList<>();
        List<Long> onNewConnections = new ArrayList<>();
        int failures = 0;
        long end = System.nanoTime() + MEASURED.toNanos();
        Http1Connection connection = Http1Connection.open(server.socket());
        try
        {
            for (int i = 0; System.nanoTime() < end; i++)
            {
                long start = System.nanoTime();
                boolean reconnect = i % 25 == 24;
                try
                {
                    if (reconnect)
                    {
                        connection.close();
                        connection = Http1Connection.open(server.socket());
                    }
                    Http1Connection.Response response = connection.get(WORK);
                    if (response.status() == 200)
                        (reconnect ? onNewConnections : latencies).add(System.nanoTime() - start);
                    else
                        failures++;
                }
                catch (IOException failed)
                {
                    failures++;
                    connection.close();
                    connection = Http1Connection.open(server.socket());
                }
            }
        }
        finally
        {
            connection.close();
        }
        return new Latencies(latencies, onNewConnections, failures);
    }

    /** @return the most connections the flooder held (as the connector counts them, with limits), sampled every 10 ms */
    private static int mostConnectionsOfTheFlooder(LimitsServer server) throws InterruptedException
    {
        int most = 0;
        long end = System.nanoTime() + MEASURED.toNanos();
        while (System.nanoTime() < end)
        {
            for (CallerActivity caller : server.callers())
            {
                if (caller.caller().equals(FLOODER))
                    most = Math.max(most, caller.connections());
            }
            Thread.sleep(10);
        }
        return most;
    }

    private static final Pattern SUMMARY = Pattern.compile("(?m)^(finished in .*|requests: .*|status codes: .*|time for request: .*)$");

    private static String summary(String h2loadOutput)
    {
        StringBuilder lines = new StringBuilder();
        Matcher matcher = SUMMARY.matcher(h2loadOutput);
        while (matcher.find())
            lines.append("    h2load: ").append(matcher.group(1).replaceAll("\\s+", " ")).append('\n');
        return lines.length() == 0 ? "    h2load: no summary (stopped)\n" : lines.toString();
    }

    /**
     * @param latencies of the requests on a kept-alive connection
     * @param onNewConnections of the requests that opened a connection first (timed from the connect)
     */
    record Latencies(List<Long> latencies, List<Long> onNewConnections, int failures)
    {
        int served()
        {
            return latencies.size() + onNewConnections.size();
        }

        String describe()
        {
            return served() + " served, " + failures + " failed; kept alive: " + describe(latencies) + "; on a new connection: " +
                describe(onNewConnections);
        }

        private static String describe(List<Long> latencies)
        {
            List<Long> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            if (sorted.isEmpty())
                return "none";
            return "p50 " + millis(percentile(sorted, 50)) + " ms, p99 " + millis(percentile(sorted, 99)) + " ms, max " +
                millis(sorted.get(sorted.size() - 1)) + " ms";
        }

        private static long percentile(List<Long> sorted, int percent)
        {
            return sorted.get(Math.min(sorted.size() - 1, (int)Math.ceil(sorted.size() * percent / 100.0) - 1));
        }

        private static String millis(long nanos)
        {
            return String.format("%.2f", nanos / 1e6);
        }
    }

    private static final class Outcome
    {
        final String name;
        final List<String> flooderOutput = new ArrayList<>();
        Latencies mine;
        int flooderConnectionsAtMost;
        long flooderServed;
        long connectionsRefused;
        long requestsRefused;
        long descriptorsAtMost;
        long descriptorsMedian;

        Outcome(String name)
        {
            this.name = name;
        }

        String report()
        {
            return "Flood test, " + name + ", over " + MEASURED.toSeconds() + " s:\n" +
                "  this user (one request at a time, " + WORK + "): " + mine.describe() + "\n" +
                "  flooder (" + FLOODER + "): " + flooderServed + " requests served; refused " + connectionsRefused +
                " connections and " + requestsRefused + " requests; held at most " + flooderConnectionsAtMost +
                " connections (as counted where limits are set)\n" +
                String.join("", flooderOutput) +
                "  server descriptors above the run's start: median " + descriptorsMedian + ", at most " + descriptorsAtMost;
        }
    }
}
