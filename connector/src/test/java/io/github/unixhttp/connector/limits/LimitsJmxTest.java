package io.github.unixhttp.connector.limits;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;

import io.github.unixhttp.testing.Exchange;
import org.eclipse.jetty.jmx.MBeanContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a JMX console shows of the limits: the limits as text, the totals, and a line per caller. */
class LimitsJmxTest
{
    private static final String ME = "uid " + new com.sun.security.auth.module.UnixSystem().getUid();

    @TempDir
    Path dir;

    @Test
    void aConsoleSeesTheLimitsTheTotalsAndEachCallerAsPlainValues() throws Exception
    {
        MBeanServer mbeans = MBeanServerFactory.newMBeanServer();
        try (LimitsServer server = LimitsServer.start(dir.resolve("app.sock"), connector ->
            {
                connector.getServer().addBean(new MBeanContainer(mbeans));
                connector.setCallerLimits(CallerLimits.builder().maxConnections(1).build());
            });
             Http1Connection held = Http1Connection.open(server.socket()))
        {
            Set<ObjectName> names = mbeans.queryNames(new ObjectName("io.github.unixhttp.connector:type=unixsocketconnector,*"), null);
            ObjectName name = names.iterator().next();
            assertEquals("per uid: 1 connection, unlimited requests in flight, no request rate, 16 refused connections waiting",
                mbeans.getAttribute(name, "callerLimits"));
            assertEquals(200, held.get("/").status());
            assertEquals(503, Integer.parseInt(Exchange.get(server.socket(), "/").substring(9, 12)));

            assertEquals(1L, mbeans.getAttribute(name, "connectionsRefusedOverLimit"));
            assertEquals(0L, mbeans.getAttribute(name, "requestsRefusedOverLimit"));
            assertEquals(0L, mbeans.getAttribute(name, "refusedConnectionsClosedUnanswered"));
            // The refused connection is answered and closed; the caller then holds its one served connection.
            server.awaitCallers(callers -> callers.get(0).refusedWaiting() == 0, Duration.ofSeconds(5));
            assertArrayEquals(new String[]{ME + ": 1 connection, 0 in flight, 0 refused waiting; refused 1 connection, 0 requests"},
                (String[])mbeans.getAttribute(name, "callers"));
        }
    }
}
