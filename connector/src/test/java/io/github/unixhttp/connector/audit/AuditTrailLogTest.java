package io.github.unixhttp.connector.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.sun.security.auth.module.UnixSystem;
import io.github.unixhttp.testing.ChildJvm;
import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import io.github.unixhttp.testing.ServeMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The audit trail as its readers get it: a real server in a JVM of its own ({@link AuditServeMain}) whose log file
 * (slf4j-simple) holds the trail, real clients (curl, as this user, as a refused second user, as many refused users),
 * and {@code jq} reading the file: every line parses, accepted and closed lines pair up, the counts are what was sent,
 * a flood of refusals is a few lines that account for every refusal, and an executable path that holds quotes, a
 * backslash, a line break, controls and non-ASCII comes back as it was.
 */
class AuditTrailLogTest
{
    /** How slf4j-simple, configured as below, begins each of the trail's lines. */
    private static final String AUDIT_PREFIX = "INFO " + AuditTrail.LOGGER_NAME + " - ";

    @TempDir
    Path dir;

    @Test
    void eachConnectionIsOneAcceptedAndOneClosedLineWithWhatItCarried() throws Exception
    {
        Requirements.requireCommand("curl");
        Requirements.requireCommand("h2load");
        Requirements.requireCommand("jq");
        Path body = dir.resolve("body");
        Files.write(body, new byte[100_000]);
        Path events;
        try (AuditedServer server = AuditedServer.start(dir))
        {
            String socket = server.socket.toString();
            // Three requests on one connection (curl keeps it alive for the same host), a large upload, a large
            // download, and two requests on one h2c connection (h2load: curl 7.88 fails a second h2c request on one
            // connection, with Jetty's own Unix connector too).
            curl("-sS", "-o", "/dev/null", "--unix-socket", socket, "http://localhost/a", "http://localhost/b", "http://localhost/c");
            curl("-sS", "-o", "/dev/null", "--unix-socket", socket, "--data-binary", "@" + body, "http://localhost/digest");
            curl("-sS", "-o", "/dev/null", "--unix-socket", socket, "http://localhost/bytes?n=50000");
            Run.Result h2load = Run.run(Duration.ofSeconds(30), "h2load", "-n", "2", "-c", "1", "--base-uri=unix:" + socket,
                "http://localhost/d").requireSuccess();
            assertTrue(h2load.stdout().contains("2 succeeded"), h2load.stdout());
            events = server.stop();
        }

        assertEquals("4", query(events, "map(select(.event == \"accepted\")) | length"));
        assertEquals("4", query(events, "map(select(.event == \"closed\")) | length"));
        assertEquals("[[\"accepted\",\"closed\"]]", query(events, "group_by(.connection) | map(map(.event)) | unique"),
            "each connection is one accepted line, then one closed line");
        assertEquals("[1,1,2,3]", query(events, "map(select(.event == \"closed\") | .requests) | sort"));
        // The upload's 100000 bytes and the download's 50000, each with no more than their headers around them.
        assertEquals("true", query(events, "map(select(.event == \"closed\") | .bytes_in) | max | . >= 100000 and . < 101000"));
        assertEquals("true", query(events, "map(select(.event == \"closed\") | .bytes_out) | max | . >= 50000 and . < 51000"));
        assertEquals("true", query(events, "map(select(.event == \"closed\")) | all(.bytes_in > 0 and .bytes_out > 0 and .duration_ms >= 0)"));
        long uid = new UnixSystem().getUid();
        assertEquals("[" + uid + "]", query(events, "map(.uid) | unique"));
        assertEquals("[" + quote(dir.resolve("app.sock").toString()) + "]", query(events, "map(.connector) | unique"));
        assertEquals("true", query(events,
            "all(.time | test(\"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[.][0-9]{3}Z$\"))"));
        if (!Requirements.portableLayer())
            assertEquals("true", query(events, "all(.pid > 0 and (.user | type) == \"string\")"));
    }

    @Test
    void aFloodOfRefusalsFromOneCallerIsOneLineAndOneSummary() throws Exception
    {
        Requirements.requireRoot();
        Requirements.requireCommand("curl");
        Requirements.requireCommand("jq");
        Run.openToOthers(dir);
        int refusals = 300;
        Path events;
        try (AuditedServer server = AuditedServer.start(dir, "--allow-uid", "0", "--mode", "0666", "--window-ms", "60000"))
        {
            String socket = server.socket.toString();
            // curl's URL range: 300 requests, each on a new connection since every refusal closes its own.
            Run.Result flood = Run.run(Duration.ofSeconds(120), Run.asOtherUser(List.of("curl", "-s", "-o", "/dev/null",
                "-w", "%{http_code}\\n", "--unix-socket", socket, "http://localhost/r[1-" + refusals + "]")));
            assertEquals(refusals, flood.stdout().lines().filter("403"::equals).count(), flood.stdout());
            curl("-sS", "-o", "/dev/null", "--unix-socket", socket, "http://localhost/");
            events = server.stop();
        }

        assertEquals("1", query(events, "map(select(.event == \"refused\" and .uid == 65534)) | length"));
        assertEquals("true", query(events, "map(select(.event == \"refused\"))[0] | (.reason | length) > 0 and .user == \"nobody\""));
        if (!Requirements.portableLayer())
            assertEquals("true", query(events, "map(select(.event == \"refused\"))[0] | .pid > 0"));
        assertEquals("[{\"scope\":\"caller\",\"uid\":65534,\"count\":" + (refusals - 1) + "}]",
            query(events, "map(select(.event == \"refused-summary\") | {scope, uid, count})"));
        assertEquals(Integer.toString(refusals), query(events, refusalsAccountedFor()));
        assertEquals("[\"accepted\",\"closed\",\"refused\",\"refused-summary\"]", query(events, "map(.event) | sort"),
            "the flood is two lines; the accepted caller's connection is still its own");
    }

    @Test
    void aStormFromManyCallersIsCappedPerSecondAndSummarizedAsOne() throws Exception
    {
        Requirements.requireRoot();
        Requirements.requireCommand("curl");
        Requirements.requireCommand("setpriv");
        Requirements.requireCommand("jq");
        Run.openToOthers(dir);
        int callers = 100;
        int maxLines = 5;
        Path events;
        long started;
        long took;
        try (AuditedServer server = AuditedServer.start(dir, "--allow-uid", "0", "--mode", "0666", "--max-lines",
            Integer.toString(maxLines)))
        {
            // A hundred users (uids no account has), one refused connection each.
            String loop = "for uid in $(seq 30001 " + (30000 + callers) + "); do " +
                "setpriv --reuid $uid --regid $uid --clear-groups curl -s -o /dev/null --unix-socket \"$1\" http://localhost/; done";
            started = System.nanoTime();
            Run.run(Duration.ofSeconds(120), "sh", "-c", loop, "sh", server.socket.toString()).requireSuccess();
            took = System.nanoTime() - started;
            events = server.stop();
        }

        assertEquals(Integer.toString(callers), query(events, refusalsAccountedFor()), "every refusal is in exactly one line");
        long lines = Long.parseLong(query(events, "map(select(.event == \"refused\" or .scope == \"caller\")) | length"));
        long seconds = TimeUnit.NANOSECONDS.toSeconds(took) + 1;
        assertTrue(lines <= maxLines * seconds, lines + " refusal lines in " + seconds + " s, at most " + maxLines + " a second");
        assertTrue(lines < callers, lines + " refusal lines for " + callers + " callers");
        assertEquals("true", query(events, "map(select(.scope == \"all\")) | length >= 1 and all(.count > 0 and (.uid | not))"));
    }

    @Test
    void anExecutablePathWithQuotesLineBreaksAndNonAsciiComesBackThroughJqAsItWas() throws Exception
    {
        Requirements.requireLinuxLayer("pidfds (SO_PEERPIDFD)");
        Requirements.requireCommand("curl");
        Requirements.requireCommand("jq");
        // Made by the shell from octal escapes, so that this JVM's own locale does not matter: a quote, a backslash, a
        // line break, a tab, a control character, then é, a snowman and an emoji in UTF-8.
        String octal = "we\"ird\\\\ name\\n\\t\\001 \\303\\251\\342\\230\\203\\360\\237\\230\\200";
        String name = "we\"ird\\ name\n\t\u0001 \u00e9\u2603\ud83d\ude00";
        Path events;
        try (AuditedServer server = AuditedServer.start(dir, "--read-process"))
        {
            String script = "d=\"$1/$(printf \"$2\")\"; mkdir \"$d\" && cp \"$(command -v curl)\" \"$d/curl\" && " +
                "exec \"$d/curl\" -s -o /dev/null --unix-socket \"$3\" http://localhost/";
            Run.run(Duration.ofSeconds(30), "sh", "-c", script, "sh", dir.toString(), octal, server.socket.toString()).requireSuccess();
            events = server.stop();
        }

        String exe = Run.run(Duration.ofSeconds(30), "jq", "-j", "select(.event == \"accepted\") | .exe", events.toString())
            .requireSuccess().stdout();
        assertEquals(dir.toRealPath() + "/" + name + "/curl", exe);
    }

    /** jq's sum of the refusals the lines stand for: each refused line one, each summary its count. */
    private static String refusalsAccountedFor()
    {
        return "map(select(.event == \"refused\") | 1) + map(select(.event == \"refused-summary\") | .count) | add";
    }

    private static void curl(String... arguments) throws Exception
    {
        List<String> command = new ArrayList<>(List.of("curl"));
        command.addAll(List.of(arguments));
        Run.run(Duration.ofSeconds(30), command).requireSuccess();
    }

    /** @return what jq's {@code filter} makes of all the events at once ({@code --slurp}), on one line */
    private static String query(Path events, String filter) throws Exception
    {
        return Run.run(Duration.ofSeconds(30), "jq", "-s", "-c", filter, events.toString()).requireSuccess().stdout().trim();
    }

    private static String quote(String text)
    {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** An {@link AuditServeMain} in a child JVM, writing its log (and so its trail) to a file of its own. */
    private static final class AuditedServer implements AutoCloseable
    {
        final Path socket;
        final Path log;
        final Path dir;
        final Process process;
        final BufferedReader stdout;

        private AuditedServer(Path dir, Path socket, Path log, Process process)
        {
            this.dir = dir;
            this.socket = socket;
            this.log = log;
            this.process = process;
            this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        static AuditedServer start(Path dir, String... options) throws Exception
        {
            Path socket = dir.resolve("app.sock");
            Path log = dir.resolve("server.log");
            List<String> arguments = new ArrayList<>(List.of(socket.toString()));
            arguments.addAll(List.of(options));
            List<String> command = new ArrayList<>(ChildJvm.javaCommand(arguments.toArray(String[]::new)));
            // ChildJvm runs ServeMain: this test's server is another main class, with its log in a file of its own.
            command.set(command.indexOf(ServeMain.class.getName()), AuditServeMain.class.getName());
            command.addAll(1, List.of("-Dorg.slf4j.simpleLogger.logFile=" + log, "-Dorg.slf4j.simpleLogger.showThreadName=false"));
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(dir.resolve("server.err").toFile());
            // The peer's executable path is read as the JVM decodes file names: UTF-8, whatever the test's locale.
            ChildJvm.change(builder.environment(), Map.of("LC_ALL", "C.UTF-8"));
            AuditedServer server = new AuditedServer(dir, socket, log, builder.start());
            String first = server.stdout.readLine();
            if (!"LISTENING".equals(first))
            {
                server.close();
                throw new AssertionError("the server did not start: " + first + "\n" + Files.readString(dir.resolve("server.err")));
            }
            return server;
        }

        /**
         * Stops the server (its trail writes what it still holds), then has jq read the log: a line of the trail that
         * is not JSON fails here.
         *
         * @return the trail's events, one compact JSON object a line
         */
        Path stop() throws Exception
        {
            process.getOutputStream().close();
            assertEquals("STOPPED", stdout.readLine(), () -> "stderr: " + read(dir.resolve("server.err")));
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
            Path events = dir.resolve("events.jsonl");
            String parsed = Run.run(Duration.ofSeconds(30), "jq", "-R", "-c", "--arg", "prefix", AUDIT_PREFIX,
                "select(startswith($prefix)) | ltrimstr($prefix) | fromjson", log.toString()).requireSuccess().stdout();
            Files.writeString(events, parsed);
            return events;
        }

        private static String read(Path file)
        {
            try
            {
                return Files.readString(file);
            }
            catch (IOException failure)
            {
                return failure.toString();
            }
        }

        @Override
        public void close() throws Exception
        {
            if (process.isAlive())
            {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS))
                    process.destroyForcibly().waitFor();
            }
        }
    }
}
