package io.github.unixhttp.connector.limits;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.github.unixhttp.connector.SocketFileOptions;
import io.github.unixhttp.connector.binding.SocketFileMode;
import io.github.unixhttp.connector.policy.PeerPolicy;
import io.github.unixhttp.testing.BackgroundProcess;
import io.github.unixhttp.testing.Exchange;
import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import io.github.unixhttp.testing.Scripts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A user the peer policy refuses, whom the socket file's mode lets connect, floods connections: each refused
 * connection waits for a request head to answer (2 s for a silent one), so without a cap the user holds a server
 * descriptor per connection for those seconds; the defaults let 16 of them wait, and close the rest at once. What is
 * measured is what the server still holds once the flood is accepted: every accepted connection has a descriptor
 * for an instant, which no limit can avoid (a burst of accepts shows as a peak of that size).
 */
class RefusedFloodTest
{
    private static final int FLOOD = 400;

    @TempDir
    Path dir;

    @Test
    void aRefusedUserFloodingConnectionsHoldsOnlyAFewServerDescriptors() throws Exception
    {
        Requirements.requireRoot();
        Requirements.requireCommand("python3");
        Run.openToOthers(dir);
        Path script = Scripts.copy("hold_connections.py", dir);

        long uncapped = heldAfterFlood(CallerLimits.none(), dir.resolve("none.sock"), script);
        long capped = heldAfterFlood(CallerLimits.DEFAULTS, dir.resolve("defaults.sock"), script);
        System.out.println("Refused user holding " + FLOOD + " connections open: the server held " + uncapped +
            " more descriptors without limits, " + capped + " more with the defaults (" +
            CallerLimits.DEFAULT_MAX_REFUSED_CONNECTIONS + " refused connections waiting per uid)");
        // The flood is big enough to show without the cap (every refused connection still waits)...
        assertTrue(uncapped >= FLOOD * 3 / 4, "without limits the server held " + uncapped + " more descriptors");
        // ...and with it, what waits is the cap, give or take a few descriptors of the JVM's own.
        assertTrue(capped <= CallerLimits.DEFAULT_MAX_REFUSED_CONNECTIONS + 16, "with the defaults the server held " + capped +
            " more descriptors");
    }

    /**
     * @return how many descriptors the server held at most above its count before the flood, in the half second after
     *         it accepted the flood's last connection and 300 ms of grace: a refused connection that waits is still
     *         open then (a silent one waits 2 s), one closed at once is long gone
     */
    private static long heldAfterFlood(CallerLimits limits, Path socket, Path script) throws Exception
    {
        try (LimitsServer server = LimitsServer.start(socket, connector ->
        {
            connector.setCallerLimits(limits);
            connector.setPeerPolicy(PeerPolicy.sameUser());
            connector.setSocketFile(SocketFileOptions.builder().mode(SocketFileMode.parse("0666")).build());
        }))
        {
            long baseline = LimitsServer.openDescriptors();
            try (BackgroundProcess flood = BackgroundProcess.startReady(Run.asOtherUser(List.of("/usr/bin/python3",
                script.toString(), socket.toString(), Integer.toString(FLOOD)))))
            {
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (server.connector().getRefusedConnections() < FLOOD && System.nanoTime() < deadline)
                    Thread.sleep(10);
                assertEquals(FLOOD, server.connector().getRefusedConnections(), "connections the policy refused");
                if (limits.maxRefusedConnections() != CallerLimits.UNLIMITED)
                    assertEquals(FLOOD - limits.maxRefusedConnections(), server.connector().getRefusedConnectionsClosedUnanswered());
                Thread.sleep(300);
                long held;
                try (DescriptorPeak peak = DescriptorPeak.start(baseline))
                {
                    // The server's own user is served meanwhile.
                    assertTrue(Exchange.get(socket, "/").startsWith("HTTP/1.1 200 "));
                    Thread.sleep(500);
                    held = peak.aboveBaseline();
                }
                flood.finish();
                return held;
            }
        }
    }
}
