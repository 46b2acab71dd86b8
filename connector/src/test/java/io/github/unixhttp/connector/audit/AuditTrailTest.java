package io.github.unixhttp.connector.audit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.connector.internal.audit.AuditEvent;
import io.github.unixhttp.connector.internal.audit.AuditWriter;
import io.github.unixhttp.core.PeerCredentials;
import io.github.unixhttp.testing.LogCapture;
import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trail in this JVM, fed by hand what no real peer can easily be (a user whose name holds quotes, line breaks,
 * controls and non-ASCII), written on this thread (a trail not started writes at once), read back by jq; its writer,
 * bounded when the log is stuck; and the trail's place: one connector's bean.
 */
class AuditTrailTest
{
    static
    {
        // Before the trail's logger is made (slf4j-simple fixes a logger's level then): this JVM logs WARN and up.
        System.setProperty("org.slf4j.simpleLogger.log." + AuditTrail.LOGGER_NAME, "info");
    }

    private static final String HOSTILE_USER = "ev\"il\\user\n\r\t\u0000\u001f\u007f \u00e9\u2028\ud83d\ude00 {} \\{}";
    private static final String HOSTILE_GROUP = "gr\"oup\u0008\u000c";
    private static final String HOSTILE_REASON = "uid 4242 (" + HOSTILE_USER + ") matches no rule";

    @TempDir
    Path dir;

    @Test
    void aHostileUserNameGroupAndReasonComeBackThroughJqAsTheyWere() throws Exception
    {
        Requirements.requireCommand("jq");
        String line = hostileLine();
        Path file = dir.resolve("line.json");
        Files.writeString(file, line + "\n");
        assertEquals(HOSTILE_USER, jq("-j", ".user", file));
        assertEquals(HOSTILE_GROUP, jq("-j", ".group", file));
        assertEquals(HOSTILE_REASON, jq("-j", ".reason", file));
        assertEquals("refused 4242 4242 99", jq("-j", "\"\\(.event) \\(.uid) \\(.gid) \\(.pid)\"", file));
    }

    @Test
    void aLineIsPrintableAsciiWhateverTheNamesHold() throws Exception
    {
        String line = hostileLine();
        assertTrue(line.chars().allMatch(c -> c >= 0x20 && c < 0x7f), line);
        assertTrue(line.startsWith("{\"event\":\"refused\",\"time\":\""), line);
    }

    @Test
    void theFieldsAreAlsoKeyValuePairsOfTheLoggingEvent() throws Exception
    {
        // slf4j-simple writes an event's key-value pairs as key=value before the message, as they are (an appender's
        // encoding, not the trail's): they reached the event. A plain name, then, for one line.
        String line = oneLineFor(PeerCredentials.of(99, 4242, 4242, null, "alice", "staff"), "no rule", true);
        int json = line.indexOf("{\"event\"");
        assertTrue(json > 0, line);
        String pairs = line.substring(0, json);
        assertTrue(pairs.startsWith("event=refused time=") &&
            pairs.endsWith(" uid=4242 gid=4242 pid=99 user=alice group=staff reason=no rule "), pairs);
    }

    @Test
    void aTrailIsOneConnectorsBean()
    {
        Server server = new Server();
        AuditTrail trail = new AuditTrail();
        new UnixSocketConnector(server).addBean(trail);
        assertThrows(IllegalStateException.class, () -> new UnixSocketConnector(server).addBean(trail),
            "a second connector's connections would be numbered with the first's");
        assertThrows(IllegalArgumentException.class, () -> new Server().addBean(new AuditTrail()),
            "a server's beans hear of no connection");
    }

    private static String hostileLine()
    {
        return oneLineFor(PeerCredentials.of(99, 4242, 4242, null, HOSTILE_USER, HOSTILE_GROUP), HOSTILE_REASON, false);
    }

    @Test
    void aWriterThatFallsBehindDropsAndCountsEventsRatherThanQueueingWithoutBound() throws Exception
    {
        assertTrue(LoggerFactory.getLogger(AuditTrail.LOGGER_NAME).isInfoEnabled(), "the trail's logger logs INFO");
        AuditWriter writer = new AuditWriter(LoggerFactory.getLogger(AuditTrail.LOGGER_NAME), false, () -> "/run/app.sock",
            4, TimeUnit.SECONDS.toNanos(1), () -> {}, new LongAdder());
        PeerCredentials peer = PeerCredentials.of(99, 4242, 4242, null, "alice", "staff");
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        PrintStream original = System.err;
        // A log that hangs (a full disk, a stuck pipe) until released: slf4j-simple writes to System.err.
        System.setErr(new PrintStream(new OutputStream()
        {
            @Override
            public void write(int b) throws IOException
            {
                write(new byte[]{(byte)b}, 0, 1);
            }

            @Override
            public synchronized void write(byte[] bytes, int offset, int length) throws IOException
            {
                writing.countDown();
                try
                {
                    release.await();
                }
                catch (InterruptedException e)
                {
                    throw new InterruptedIOException();
                }
                written.write(bytes, offset, length);
            }
        }, true, StandardCharsets.UTF_8));
        try
        {
            writer.start("test-audit-writer");
            writer.offer(AuditEvent.accepted(0, 1, peer));
            assertTrue(writing.await(10, TimeUnit.SECONDS), "the writer's thread writes the first event");
            for (int connection = 2; connection <= 11; connection++)
                writer.offer(AuditEvent.accepted(0, connection, peer));
            assertEquals(6, writer.droppedNotReported(), "four wait in the queue, six are dropped");
            release.countDown();
            writer.stop();
        }
        finally
        {
            release.countDown();
            System.setErr(original);
        }
        List<String> lines = written.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(6, lines.size(), String.join("\n", lines));
        assertTrue(lines.subList(0, 5).stream().allMatch(line -> line.contains("{\"event\":\"accepted\"")), lines.toString());
        assertTrue(lines.get(5).contains("{\"event\":\"dropped\",") && lines.get(5).contains("\"count\":6,"), lines.get(5));
    }

    /** @return the line a fresh trail writes for one refusal, without slf4j-simple's prefix */
    private static String oneLineFor(PeerCredentials peer, String reason, boolean keyValuePairs)
    {
        assertTrue(LoggerFactory.getLogger(AuditTrail.LOGGER_NAME).isInfoEnabled(), "the trail's logger logs INFO");
        AuditTrail trail = new AuditTrail();
        trail.setKeyValuePairs(keyValuePairs);
        String text;
        try (LogCapture log = LogCapture.start())
        {
            trail.onRefused(peer, reason);
            text = log.text();
        }
        // All this JVM logged meanwhile: the one line, whatever the names hold.
        List<String> lines = text.lines().toList();
        assertEquals(1, lines.size(), text);
        String prefix = "INFO " + AuditTrail.LOGGER_NAME + " - ";
        assertTrue(lines.get(0).contains(prefix), text);
        return lines.get(0).substring(lines.get(0).indexOf(prefix) + prefix.length());
    }

    private static String jq(String option, String filter, Path file) throws Exception
    {
        return Run.run(Duration.ofSeconds(30), "jq", option, filter, file.toString()).requireSuccess().stdout();
    }
}
