package io.github.unixhttp.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import io.github.unixhttp.testing.Scripts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Zero-downtime restarts with {@code --takeover}, with real processes and real clients: each new demo takes the path
 * over from the running one, which serves what it has and exits 0, while h2load (a connection per request, or
 * through nginx with upstream keep-alive) counts every request. The figures go to {@code target/takeover-report.md}
 * (bench/results/takeover.md is a copy of one run).
 */
class TakeoverIT
{
    /**
     * Takeovers per load test: six in CI, which keeps a full run well under its time budget (each takeover starts a
     * JVM); the figures in docs/takeover.md were taken with 20 ({@code -Dunixhttp.takeovers=20}).
     */
    private static final int TAKEOVERS = Integer.getInteger("unixhttp.takeovers", 6);
    private static final Path REPORT = Path.of(System.getProperty("unixhttp.takeoverReport", "target/takeover-report.md"));
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @Test
    void repeatedTakeoversUnderAConnectionPerRequestLoadFailNoRequest() throws Exception
    {
        Requirements.requireCommand("h2load");
        Path socket = tmp.resolve("demo.sock");
        List<String> demo = List.of("--socket", socket.toString());
        DemoProcess first = DemoProcess.start(tmp, demo.toArray(String[]::new));
        first.awaitOutput("try: ");
        List<String> h2load = List.of("--h1", "-c", "16", "-t", "1", "-H", "Connection: close", "-B", "unix:" + socket,
            "http://localhost/whoami");
        // The same load on a fresh server without restarts, for the gaps a new JVM has anyway.
        H2loadRuns.Result baseline = new H2loadRuns(tmp, 20_000, h2load).runOnce();
        try (H2loadRuns load = new H2loadRuns(tmp, 20_000, h2load).start())
        {
            Series series = takeOverRepeatedly(first, demo, TAKEOVERS);
            try (DemoProcess last = series.last())
            {
                H2loadRuns.Result result = load.finish();
                report("h2load, a connection per request (`-H 'Connection: close'`, c=16), straight to the socket", result, series,
                    baseline, null);
                assertTrue(result.allServed(), "requests failed: " + result + "\n" + load.outputs());
                assertEquals(0, last.terminate());
            }
        }
        assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "the last server removes its socket when stopped");
        assertNoPrivateDirectoriesLeft(socket);
    }

    @Test
    void repeatedTakeoversBehindNginxWithUpstreamKeepAliveShowNoErrorToItsClients() throws Exception
    {
        Requirements.requireRoot();
        Requirements.requireCommand("nginx");
        Requirements.requireCommand("h2load");
        Path dir = Files.createDirectory(tmp.resolve("run"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path socket = dir.resolve("demo.sock");
        int port = DemoProcess.freeLoopbackPort();
        Path prefix = Files.createDirectory(tmp.resolve("nginx"));
        String config = Files.readString(Path.of(System.getProperty("unixhttp.deployDir", "deploy")).resolve("nginx/unixhttp-demo.conf"))
            .replace("@PREFIX@", prefix.toString()).replace("@SOCKET@", socket.toString()).replace("@PORT@", Integer.toString(port));
        Path configFile = Files.writeString(prefix.resolve("nginx.conf"), config);
        List<String> demo = List.of("--socket", socket.toString(), "--mode", "0660", "--group", "www-data", "--trust-proxy", "www-data");

        DemoProcess first = DemoProcess.start(tmp, demo.toArray(String[]::new));
        first.awaitOutput("try: ");
        try (DemoProcess nginx = DemoProcess.start(tmp, List.of("nginx", "-p", prefix.toString(), "-c", configFile.toString()), Map.of()))
        {
            String url = "http://127.0.0.1:" + port + "/whoami";
            DemoProcess.awaitHttp(url, nginx, WAIT);
            List<String> h2load = List.of("--h1", "-c", "16", "-t", "1", url);
            H2loadRuns.Result baseline = new H2loadRuns(tmp, 50_000, h2load).runOnce();
            try (H2loadRuns load = new H2loadRuns(tmp, 50_000, h2load).start())
            {
                Series series = takeOverRepeatedly(first, demo, TAKEOVERS);
                try (DemoProcess last = series.last())
                {
                    H2loadRuns.Result result = load.finish();
                    long upstreamErrors = nginx.errors().lines().filter(line -> line.contains("upstream")).count();
                    report("h2load through nginx (keep-alive to nginx, c=16; nginx upstream keepalive 16, default retries)",
                        result, series, baseline, "nginx logged " + upstreamErrors + " upstream errors (connections it retried)");
                    assertTrue(result.allServed(), "nginx's clients saw errors: " + result + "\n" + load.outputs() +
                        "\nnginx:\n" + nginx.errors());
                    assertEquals(0, last.terminate());
                }
            }
        }
    }

    @Test
    void theOldServerFinishesADownloadThatStallsLeavesThePathAndExitsZero() throws Exception
    {
        Requirements.requireCommand("python3");
        Path socket = tmp.resolve("demo.sock");
        int size = 4 * 1024 * 1024;
        try (DemoProcess old = DemoProcess.start(tmp, "--socket", socket.toString()))
        {
            old.awaitOutput("try: ");
            // The client stops reading until told: the old server begins its drain with the response stalled, and
            // the stall goes on for longer than the 1 s a graceful stop gives idle connections, which must not cut a
            // response in progress (Jetty checks a shortened idle timeout at once).
            Object before = inode(socket);
            try (StallingDownload download = StallingDownload.startAndHoldStall(tmp, socket, size);
                 DemoProcess next = DemoProcess.start(tmp, "--socket", socket.toString(), "--takeover"))
            {
                next.awaitOutput("try: ");
                assertFalse(before.equals(inode(socket)), "the path names the new server's socket");
                old.awaitOutput("replaced");
                assertFalse(download.isDone(), "the download ended before the takeover: no drain was tested");
                Thread.sleep(1500);
                assertTrue(old.isAlive(), "the old server waits for its download");
                assertFalse(download.isDone(), "the stalled download was cut during the drain");
                download.resume();
                Run.Result result = download.awaitSuccess();
                assertEquals("HTTP/1.1 200 OK\n" + size + "\n", result.stdout(), "the old server:\n" + old.output() + old.errors());
                assertEquals(0, old.exitCode(), "the old server's exit code; stderr: " + old.errors());
                assertTrue(old.output().endsWith("stopped\n"), old.output());
                assertTrue(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "the old server left the new one's socket alone");
                assertTrue(curl(socket, "http://localhost/whoami").contains("\"user\":\"" + System.getProperty("user.name") + "\""));
                assertEquals(0, next.terminate());
            }
        }
    }

    @Test
    void aTakeoverOfAnotherUsersServerIsRefusedAndItKeepsThePath() throws Exception
    {
        Requirements.requireRoot();
        Requirements.requireCommand("python3");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        // A shared directory, as /tmp is: anyone may create files, no one may move another's.
        Path dir = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Run.run(WAIT, "chmod", "+t", dir.toString()).requireSuccess();
        Path socket = dir.resolve("demo.sock");
        Path script = Scripts.copy("listen_forever.py", tmp);
        try (DemoProcess other = DemoProcess.start(tmp, Run.asOtherUser(List.of("/usr/bin/python3", script.toString(), socket.toString())), Map.of()))
        {
            other.awaitOutput("LISTENING");
            Object before = inode(socket);
            try (DemoProcess takeover = DemoProcess.start(tmp, "--socket", socket.toString(), "--takeover"))
            {
                assertEquals(1, takeover.exitCode(), takeover.output());
                assertTrue(takeover.errors().contains("uid " + Run.OTHER_UID), takeover.errors());
            }
            assertEquals(before, inode(socket), "the other user's socket is still at the path");
            assertTrue(other.isAlive());
            assertNoPrivateDirectoriesLeft(socket);
        }
    }

    @Test
    void aTakeoverOfARegularFileIsRefusedAndTheFileKept() throws Exception
    {
        Path socket = Files.writeString(tmp.resolve("demo.sock"), "not a socket");
        try (DemoProcess takeover = DemoProcess.start(tmp, "--socket", socket.toString(), "--takeover"))
        {
            assertEquals(1, takeover.exitCode(), takeover.output());
            assertTrue(takeover.errors().contains("not a socket"), takeover.errors());
        }
        assertEquals("not a socket", Files.readString(socket));
        assertNoPrivateDirectoriesLeft(socket);
    }

    /**
     * A plain starter racing a takeover is refused (a live server has the path whichever comes first), and two
     * takeovers racing end with one server on the path: the loser is refused, or takes over from the winner in
     * turn. No request of a client meanwhile fails, and each replaced server exits 0.
     */
    @Test
    void startersRacingATakeoverEndWithOneServerOnThePathAndNoFailedRequest() throws Exception
    {
        Requirements.requireCommand("h2load");
        Path socket = tmp.resolve("demo.sock");
        try (DemoProcess old = DemoProcess.start(tmp, "--socket", socket.toString()))
        {
            old.awaitOutput("try: ");
            List<DemoProcess> racers = new ArrayList<>();
            try (H2loadRuns load = new H2loadRuns(tmp, 5_000, List.of("--h1", "-c", "4", "-t", "1", "-H", "Connection: close",
                "-B", "unix:" + socket, "http://localhost/whoami")).start())
            {
                racers.add(DemoProcess.start(tmp, "--socket", socket.toString(), "--takeover"));
                racers.add(DemoProcess.start(tmp, "--socket", socket.toString(), "--takeover"));
                racers.add(DemoProcess.start(tmp, "--socket", socket.toString()));
                assertEquals(0, old.exitCode(), "the first server is taken over and drains: " + old.output() + old.errors());
                DemoProcess plain = racers.get(2);
                assertEquals(1, plain.exitCode(), "a plain starter finds a live server: " + plain.output());
                assertTrue(plain.errors().contains("in use"), plain.errors());
                // Each takeover racer either serves, was refused (1), or was taken over by the other in turn (0).
                DemoProcess survivor = null;
                for (DemoProcess racer : racers.subList(0, 2))
                {
                    long deadline = System.nanoTime() + WAIT.toNanos();
                    while (racer.isAlive() && !racer.output().contains("try: ") && System.nanoTime() < deadline)
                        Thread.sleep(20);
                }
                // Settled once at most one racer runs: a racer taken over by the other drains, then exits.
                long settled = System.nanoTime() + WAIT.toNanos();
                while (racers.subList(0, 2).stream().filter(DemoProcess::isAlive).count() > 1 && System.nanoTime() < settled)
                    Thread.sleep(20);
                for (DemoProcess racer : racers.subList(0, 2))
                {
                    if (racer.isAlive())
                    {
                        assertEquals(null, survivor, "two servers still run");
                        survivor = racer;
                    }
                    else
                        assertTrue(racer.exitCode() == 0 && racer.output().contains("replaced") ||
                            racer.exitCode() == 1 && racer.errors().contains("took the path"), racer.output() + racer.errors());
                }
                assertTrue(survivor != null, "one server serves the path");
                H2loadRuns.Result result = load.finish();
                assertTrue(result.allServed(), "requests failed: " + result + "\n" + load.outputs());
                assertTrue(curl(socket, "http://localhost/whoami").contains("\"user\":\"" + System.getProperty("user.name") + "\""));
                assertEquals(0, survivor.terminate());
                assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "the survivor owned the path and removed it");
                assertNoPrivateDirectoriesLeft(socket);
            }
            finally
            {
                for (DemoProcess racer : racers)
                    racer.close();
            }
        }
    }

    @Test
    void theSystemdTemplateForTakeoverDeploysVerifies() throws Exception
    {
        Requirements.requireCommand("systemd-analyze");
        Path deploy = Path.of(System.getProperty("unixhttp.deployDir", "deploy"));
        String unit = Files.readString(deploy.resolve("systemd/unixhttp-demo-takeover@.service"));
        assertTrue(unit.contains("--takeover") && unit.contains("RuntimeDirectoryPreserve=yes") && unit.contains("Restart=on-failure"), unit);
        // An instance of it, pointed at this build's jar and run as a user that exists here.
        Path units = Files.createDirectory(tmp.resolve("units"));
        Path instance = Files.writeString(units.resolve("unixhttp-demo-takeover@test.service"), unit
            .replace("/usr/bin/java", DemoProcess.javaExecutable())
            .replace("/opt/unixhttp/%i/unixhttp-demo.jar", DemoProcess.JAR.toAbsolutePath().toString())
            .replace("User=unixhttp", "User=root"));
        Run.Result verify = Run.run(WAIT, "systemd-analyze", "verify", "--man=no", instance.toString());
        assertEquals(0, verify.exitCode(), "systemd-analyze found fault in the unit: " + verify.stderr());
    }

    /**
     * A series of takeovers.
     *
     * @param last the server left running
     * @param startMillis for each takeover, from starting the new server to its banner, printed once the path is its own
     * @param drainMillis from then to the replaced server's exit
     */
    private record Series(DemoProcess last, List<Long> startMillis, List<Long> drainMillis)
    {
    }

    /**
     * Starts {@code count} servers one after the other, each taking over from the one before, which must exit 0
     * after saying it was replaced.
     */
    private Series takeOverRepeatedly(DemoProcess first, List<String> arguments, int count) throws Exception
    {
        List<String> takeover = new ArrayList<>(arguments);
        takeover.add("--takeover");
        List<Long> starts = new ArrayList<>();
        List<Long> drains = new ArrayList<>();
        DemoProcess current = first;
        try
        {
            for (int i = 0; i < count; i++)
            {
                long begun = System.nanoTime();
                DemoProcess next = DemoProcess.start(tmp, takeover.toArray(String[]::new));
                try
                {
                    next.awaitOutput("try: ");
                }
                catch (AssertionError | Exception failed)
                {
                    next.close();
                    throw failed;
                }
                long published = System.nanoTime();
                int exit = current.exitCode();
                long drained = System.nanoTime();
                assertEquals(0, exit, "takeover " + (i + 1) + ": the replaced server's exit code\n" + current.output() + current.errors());
                assertTrue(current.output().contains("replaced"), current.output());
                current.close();
                current = next;
                starts.add((published - begun) / 1_000_000);
                drains.add((drained - published) / 1_000_000);
            }
        }
        catch (AssertionError | Exception failed)
        {
            current.close();
            throw failed;
        }
        return new Series(current, starts, drains);
    }

    private static void report(String scenario, H2loadRuns.Result result, Series restarts, H2loadRuns.Result baseline,
                               String note) throws IOException
    {
        StringBuilder text = new StringBuilder();
        text.append("\n### ").append(scenario).append("\n\n");
        text.append("| takeovers | requests | 2xx | failed | errored | largest gap in the served-requests timeline | req/s over the run |\n");
        text.append("|---:|---:|---:|---:|---:|---:|---:|\n");
        text.append(String.format("| %d | %,d | %,d | %d | %d | %.1f ms | %,.0f |%n", restarts.startMillis().size(), result.total(),
            result.status2xx(), result.failed(), result.errored(), result.largestGapMicros() / 1000.0, result.requestsPerSecond()));
        text.append(String.format("%nNew server start to its socket on the path: median %d ms, max %d ms. " +
            "Then to the replaced server's exit (drained): median %d ms, max %d ms.%n", median(restarts.startMillis()),
            max(restarts.startMillis()), median(restarts.drainMillis()), max(restarts.drainMillis())));
        text.append(String.format("Without restarts (one run of %,d on a fresh server, same load): largest gap %.1f ms, " +
            "%d failed.%n", baseline.total(), baseline.largestGapMicros() / 1000.0, baseline.total() - baseline.status2xx()));
        if (note != null)
            text.append(note).append(".\n");
        Files.createDirectories(REPORT.toAbsolutePath().getParent());
        Files.writeString(REPORT, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.print(text);
    }

    private static long median(List<Long> values)
    {
        return values.stream().sorted().skip(values.size() / 2).findFirst().orElse(0L);
    }

    private static long max(List<Long> values)
    {
        return values.stream().mapToLong(Long::longValue).max().orElse(0);
    }

    private static Object inode(Path path) throws IOException
    {
        return Files.readAttributes(path, "unix:ino", LinkOption.NOFOLLOW_LINKS).get("ino");
    }

    private static void assertNoPrivateDirectoriesLeft(Path socket) throws IOException
    {
        String prefix = "." + socket.getFileName() + ".uh";
        try (Stream<Path> entries = Files.list(socket.getParent()))
        {
            List<String> left = entries.map(entry -> entry.getFileName().toString()).filter(name -> name.startsWith(prefix)).toList();
            assertEquals(List.of(), left, "private binding directories left behind");
        }
    }

    private static String curl(Path socket, String url) throws Exception
    {
        return Run.run(WAIT, "curl", "-sS", "--fail", "--unix-socket", socket.toString(), url).requireSuccess().stdout();
    }
}
