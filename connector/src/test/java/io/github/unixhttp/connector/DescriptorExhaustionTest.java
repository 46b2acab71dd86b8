package io.github.unixhttp.connector;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.testing.BackgroundProcess;
import io.github.unixhttp.testing.ChildJvm;
import io.github.unixhttp.testing.Exchange;
import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import io.github.unixhttp.testing.Scripts;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server out of file descriptors (more connections waiting than its {@code ulimit -n} allows) neither spins nor
 * floods its log, serves again as soon as descriptors are free, and has not forgotten user names meanwhile.
 */
class DescriptorExhaustionTest
{
    private static final int FILE_LIMIT = 256;
    private static final int HELD_CONNECTIONS = 600;
    /** Long enough to see a spin (a busy acceptor burns the whole of it) or a log line per retry. */
    private static final long HOLD_SECONDS = 5;
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    @TempDir
    Path dir;

    /**
     * @param acceptors 0: accepting in the selector (the default); 1: an acceptor thread blocking in accept(2)
     */
    @ParameterizedTest(name = "acceptors={0}")
    @ValueSource(ints = {0, 1})
    void serverAtItsDescriptorLimitIdlesQuietlyAndRecoversWithItsUserNames(int acceptors) throws Exception
    {
        Requirements.requireRoot();
        Requirements.requireCommand("python3");
        Run.openToOthers(dir);
        Path socket = dir.resolve("app.sock");
        Path holdScript = Scripts.copy("hold_connections.py", dir);
        Path whoamiScript = Scripts.copy("whoami_client.py", dir);
        try (ChildJvm server = ChildJvm.startWithFileLimit(FILE_LIMIT, "serve", socket.toString(), "--mode", "0666",
            "--acceptors", Integer.toString(acceptors)))
        {
            assertEquals("LISTENING", server.readLine());
            assertTrue(Exchange.get(socket, "/").endsWith("hello"));
            long released;
            long cpuTicks;
            long logLines;
            // The second user's connections run the server out of descriptors; the one that takes the last one has
            // its user name looked up (if at all) with none left for /etc/passwd: a failure, not "no such user".
            try (BackgroundProcess holder = BackgroundProcess.startReady(Run.asOtherUser(List.of("/usr/bin/python3",
                holdScript.toString(), socket.toString(), Integer.toString(HELD_CONNECTIONS)))))
            {
                Thread.sleep(2000);
                long linesBefore = lines(server.stderr());
                long ticksBefore = cpuTicks(server.pid());
                Thread.sleep(TimeUnit.SECONDS.toMillis(HOLD_SECONDS));
                long ticks = cpuTicks(server.pid()) - ticksBefore;
                long newLines = lines(server.stderr()) - linesBefore;
                double cpuShare = (double)ticks / CLOCK_TICKS_PER_SECOND / HOLD_SECONDS;
                // A spinning acceptor burns a whole CPU; an idle one a few ticks (a stray GC or JIT may add some).
                assertTrue(cpuShare < 0.2, "the server used " + Math.round(cpuShare * 100) + "% of a CPU while out of descriptors");
                assertTrue(newLines <= 2, newLines + " log lines while out of descriptors:\n" + server.stderr());
                assertTrue(server.stderr().contains("Cannot accept connections on unix:" + socket), server.stderr());
                holder.finish();
                released = System.nanoTime();
                cpuTicks = ticks;
                logLines = newLines;
            }
            // Accepting is retried at most a second apart, then the ~350 closed connections still in the backlog are
            // taken in turn before ours: about a second and a half here; 5 s leaves room for a loaded machine.
            String response = getWithin(socket, "/", 5000);
            long recoveredMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - released);
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
            assertTrue(recoveredMillis <= 5000, "served again " + recoveredMillis + " ms after the connections closed");
            System.out.println("Out of descriptors (acceptors=" + acceptors + "): " + cpuTicks + " CPU ticks in " + HOLD_SECONDS +
                " s, " + logLines + " log lines; served again " + recoveredMillis + " ms after the connections closed");
            Run.Result whoamiRun = Run.run(Duration.ofSeconds(30), Run.asOtherUser(List.of("/usr/bin/python3",
                whoamiScript.toString(), socket.toString()))).requireSuccess();
            String whoami = whoamiRun.stdout() + whoamiRun.stderr();
            assertTrue(whoami.contains("peer.uid=" + Run.OTHER_UID) && whoami.contains("peer.user=nobody"),
                "the second user's name came back after the episode:\n" + whoami);
            String log = server.stderr();
            assertTrue(log.contains("Accepting connections on unix:" + socket + " again, after"), log);
        }
    }

    private static String getWithin(Path socket, String path, long millis) throws Exception
    {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (true)
        {
            String response = Exchange.get(socket, path);
            if (response.startsWith("HTTP/1.1 200") || System.nanoTime() - deadline > 0)
                return response;
            Thread.sleep(50);
        }
    }

    private static long cpuTicks(long pid) throws Exception
    {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // After the command name: state is field 3, utime field 14, stime field 15 (1-based, of the whole line).
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static long lines(String text)
    {
        return text.lines().count();
    }
}
