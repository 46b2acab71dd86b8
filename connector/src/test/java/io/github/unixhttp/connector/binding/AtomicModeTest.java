package io.github.unixhttp.connector.binding;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.testing.ChildJvm;
import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import io.github.unixhttp.testing.Scripts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No instant where the socket file exists with the wrong mode: a second user connecting in a tight loop while the
 * server starts and stops over and over never gets in on 0600. The server runs under umask 000, so a socket bound
 * straight at the path would be open to everyone until its chmod.
 */
class AtomicModeTest
{
    private static final int CYCLES = 200;

    @TempDir
    Path tmp;

    @Test
    void otherUserNeverConnectsWhileTheServerCyclesWithMode0600() throws Exception
    {
        Map<String, Long> counts = proberCountsWhileCycling("cycle", "0600", CYCLES);
        System.out.println("Atomic mode, " + CYCLES + " start/stop cycles at 0600 under umask 000: " + counts);
        assertEquals(0, counts.get("connected"), "the second user got in: " + counts);
        assertTrue(counts.get("denied") > 0, "the prober never found the socket, so it proved nothing: " + counts);
    }

    /** The control: the same prober, against the same cycling at 0666, does get in, so it can see a window. */
    @Test
    void theSameProberGetsInWhenTheModeAllowsIt() throws Exception
    {
        Map<String, Long> counts = proberCountsWhileCycling("cycle", "0666", 50);
        System.out.println("Atomic mode control, 50 cycles at 0666: " + counts);
        assertTrue(counts.get("connected") > 0, "the prober could not connect even when allowed: " + counts);
    }

    /**
     * What the test guards against: Jetty's own connector followed by a chmod, as its users must do it, under the
     * same umask and prober, lets the second user in (thousands of times in 200 cycles here).
     */
    @Test
    void jettysConnectorWithChmodAfterStartLetsTheOtherUserIn() throws Exception
    {
        Map<String, Long> counts = proberCountsWhileCycling("cycle-jetty", "0600", CYCLES);
        System.out.println("Jetty UnixDomainServerConnector + chmod 0600, " + CYCLES + " cycles under umask 000: " + counts);
        assertTrue(counts.get("connected") > 0, "no window seen this time: " + counts);
    }

    private Map<String, Long> proberCountsWhileCycling(String cycleCommand, String mode, int cycles) throws Exception
    {
        Requirements.requireRoot();
        Requirements.requireCommand("setpriv");
        Path dir = Run.openToOthers(tmp);
        Path socket = dir.resolve("app.sock");
        Path stopFile = dir.resolve("stop");
        Path script = Scripts.copy("connect_loop.py", dir);
        Process prober = new ProcessBuilder(Run.asOtherUser(List.of("/usr/bin/python3", script.toString(), socket.toString(),
            stopFile.toString()))).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader proberOutput = new BufferedReader(new InputStreamReader(prober.getInputStream(), StandardCharsets.UTF_8));
        try
        {
            // The cycling must not begin (and end) before the prober runs.
            assertEquals("READY", proberOutput.readLine(), "the prober did not start");
            try (ChildJvm cycler = ChildJvm.start(false, "000", cycleCommand, socket.toString(), Integer.toString(cycles), "--mode", mode))
            {
                assertEquals("CYCLED " + cycles, cycler.readLine());
                assertEquals(0, cycler.stop());
            }
            Files.createFile(stopFile);
            assertTrue(prober.waitFor(30, TimeUnit.SECONDS), "the prober did not stop");
            return parse(proberOutput.readLine().trim());
        }
        finally
        {
            prober.destroyForcibly();
        }
    }

    private static Map<String, Long> parse(String line)
    {
        Map<String, Long> counts = new HashMap<>();
        for (String pair : line.split(" "))
        {
            String[] keyValue = pair.split("=");
            counts.put(keyValue[0], Long.parseLong(keyValue[1]));
        }
        return counts;
    }
}
