package io.github.unixhttp.connector.limits;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.connector.internal.limits.CallerLedger;
import io.github.unixhttp.core.PeerCredentials;
import io.github.unixhttp.testing.Exchange;
import io.github.unixhttp.testing.LogCapture;
import org.eclipse.jetty.io.ByteArrayEndPoint;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A caller flooding a limit costs the log one line, then one a minute (here, every second) saying how many it left out. */
class LimitLogTest
{
    @TempDir
    Path dir;

    @Test
    void aFloodOverTheConnectionLimitIsLoggedOnce() throws Exception
    {
        try (LimitsServer server = LimitsServer.start(dir.resolve("app.sock"), CallerLimits.builder().maxConnections(1).build());
             Http1Connection held = Http1Connection.open(server.socket());
             LogCapture log = LogCapture.start())
        {
            assertEquals(200, held.get("/").status());
            for (int i = 0; i < 200; i++)
                assertTrue(Exchange.get(server.socket(), "/").startsWith("HTTP/1.1 503 "));
            assertEquals(200, server.connector().getConnectionsRefusedOverLimit());
            List<String> lines = limitLines(log);
            assertEquals(1, lines.size(), log.text());
            assertTrue(lines.get(0).contains(" WARN ") && lines.get(0).contains("refused a connection of uid "), lines.get(0));
        }
    }

    @Test
    void theNextWarningCountsWhatWasNotLogged() throws Exception
    {
        ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler();
        scheduler.start();
        try (LogCapture log = LogCapture.start())
        {
            CallerLedger ledger = new CallerLedger("test-connector", TimeUnit.MILLISECONDS.toNanos(1000));
            ledger.start(CallerLimits.builder().maxRequestsInFlight(1).build(), scheduler);
            PeerCredentials alice = PeerCredentials.of(4321, 1000, 1000, new int[0], "alice", "alice");
            ByteArrayEndPoint connection = new ByteArrayEndPoint();
            ledger.admit(connection, alice);
            ledger.admitRequest(connection, alice);
            for (int i = 0; i < 51; i++)
                assertTrue(ledger.admitRequest(connection, alice).isRefused());
            // The 51 above fall in one interval, unless this thread stalled for a second; the next one in a new interval.
            Thread.sleep(1200);
            assertTrue(ledger.admitRequest(connection, alice).isRefused());
            List<String> lines = limitLines(log);
            assertEquals(2, lines.size(), log.text());
            assertTrue(lines.get(1).contains("; 50 more like it were not logged since the last warning"), lines.get(1));
        }
        finally
        {
            scheduler.stop();
        }
    }

    private static List<String> limitLines(LogCapture log)
    {
        return log.text().lines().filter(line -> line.contains("LimitLog")).toList();
    }
}
