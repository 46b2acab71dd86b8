package io.github.unixhttp.connector.limits;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.github.unixhttp.connector.internal.policy.RefusalConnection;
import io.github.unixhttp.testing.Exchange;
import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A caller over its connection limit is answered 503 with Retry-After, in the protocol it speaks, and closed. */
class ConnectionLimitTest
{
    private static final String TOLD = "Service Unavailable: " + RefusalConnection.OVER_LIMIT_MESSAGE + "\n";
    private static final String ME = "uid " + new com.sun.security.auth.module.UnixSystem().getUid();

    @TempDir
    Path dir;

    @Test
    void aConnectionOverTheLimitGets503WithRetryAfterAndNoHandlerRuns() throws Exception
    {
        try (LimitsServer server = LimitsServer.start(dir.resolve("app.sock"), CallerLimits.builder().maxConnections(2).build());
             Http1Connection first = Http1Connection.open(server.socket());
             Http1Connection second = Http1Connection.open(server.socket()))
        {
            assertEquals(200, first.get("/").status());
            assertEquals(200, second.get("/").status());

            String refused = Exchange.get(server.socket(), "/");
            assertTrue(refused.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), refused);
            assertTrue(refused.contains("\r\nRetry-After: 1\r\n"), refused);
            assertTrue(refused.contains("\r\nConnection: close\r\n"), refused);
            assertTrue(refused.endsWith("\r\n\r\n" + TOLD), refused);
            assertEquals(2, server.handler().handled(), "the refused request reached no handler");
            assertEquals(1, server.connector().getConnectionsRefusedOverLimit());
            CallerActivity me = server.callers().get(0);
            assertEquals(ME, me.caller());
            assertEquals(2, me.connections());
            assertEquals(1, me.connectionsRefused());

            // The held connections keep being served; once one closes, a new one is.
            assertEquals(200, first.get("/").status());
            second.close();
            server.awaitCallers(callers -> callers.get(0).connections() == 1, Duration.ofSeconds(5));
            assertTrue(Exchange.get(server.socket(), "/").startsWith("HTTP/1.1 200 "));
        }
    }

    @Test
    void anH2cClientOverTheLimitGets503WithRetryAfterInHttp2() throws Exception
    {
        Requirements.requireCommand("curl");
        try (LimitsServer server = LimitsServer.start(dir.resolve("app.sock"), CallerLimits.builder().maxConnections(1).build());
             Http1Connection held = Http1Connection.open(server.socket()))
        {
            assertEquals(200, held.get("/").status());
            Run.Result curl = Run.run(Duration.ofSeconds(20), "curl", "-sS", "--http2-prior-knowledge", "-D", "-",
                "--unix-socket", server.socket().toString(), "-w", "%{http_code} %{http_version}", "http://localhost/");
            assertEquals(0, curl.exitCode(), curl.stderr());
            assertTrue(curl.stdout().startsWith("HTTP/2 503"), curl.stdout());
            assertTrue(curl.stdout().contains("\r\nretry-after: 1\r\n"), curl.stdout());
            assertTrue(curl.stdout().endsWith(TOLD + "503 2"), curl.stdout());
            assertEquals(1, server.handler().handled());
        }
    }

    @Test
    void connectionsUnderTheLimitAreNotTouched() throws Exception
    {
        try (LimitsServer server = LimitsServer.start(dir.resolve("app.sock"), CallerLimits.DEFAULTS))
        {
            for (int i = 0; i < 200; i++)
                assertTrue(Exchange.get(server.socket(), "/").startsWith("HTTP/1.1 200 "));
            assertEquals(0, server.connector().getConnectionsRefusedOverLimit());
            assertEquals(List.of(), server.awaitCallers(List::isEmpty, Duration.ofSeconds(5)));
        }
    }
}
