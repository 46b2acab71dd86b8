package io.github.unixhttp.examples.dropwizard;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.github.unixhttp.testing.ChildProcess;
import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged Dropwizard application, started as a user starts it ({@code java -jar app.jar server config.yml}) with
 * a config.yml whose connectors are {@code type: unixhttp}, and reached with curl.
 */
class DropwizardExampleIT
{
    private static final Path JAR = Path.of(System.getProperty("unixhttp.dropwizardJar", "target/unixhttp-dropwizard-example.jar"));
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int SOCKET_GROUP = 4242;

    @TempDir
    Path tmp;

    @BeforeEach
    void needsRootAndCurl()
    {
        Requirements.requireRoot();
        Requirements.requireCommand("curl");
    }

    @Test
    void servesTheApplicationAndAdminOnSocketsWithModeGroupCredentialsAndPolicy() throws Exception
    {
        Path app = Run.openToOthers(tmp).resolve("app.sock");
        Path admin = tmp.resolve("admin.sock");
        Path config = Files.writeString(tmp.resolve("config.yml"), String.join("\n",
            "server:",
            "  applicationConnectors:",
            "    - type: unixhttp",
            "      path: " + app,
            "      mode: \"0660\"",
            "      group: " + SOCKET_GROUP,
            "      staleSocket: fail",
            "      allowUsers: [root]",
            "  adminConnectors:",
            "    - type: unixhttp",
            "      path: " + admin,
            "      mode: \"0600\"",
            ""));
        try (ChildProcess process = start(config))
        {
            process.awaitOutput("Started oejs.Server@");
            assertEquals("660 " + SOCKET_GROUP, run("stat", "-c", "%a %g", app.toString()).trim());
            assertEquals("600", run("stat", "-c", "%a", admin.toString()).trim());

            String whoami = run("curl", "-sS", "--fail", "--unix-socket", app.toString(), "http://localhost/whoami");
            // A pid means the jar's manifest gave the JVM the options for full credentials.
            assertTrue(whoami.matches("uid=0 user=root pid=[1-9][0-9]*\n"), whoami);
            assertEquals("pong", run("curl", "-sS", "--fail", "--unix-socket", admin.toString(), "http://localhost/ping").trim());

            // The socket's group lets the second user open it; allowUsers refuses it before any resource runs.
            Run.Result other = Run.run(WAIT, Run.asOtherUser(List.of("curl", "-sS", "-w", "\n%{http_code}", "--unix-socket",
                app.toString(), "http://localhost/whoami"), SOCKET_GROUP)).requireSuccess();
            assertTrue(other.stdout().endsWith("\n403") && !other.stdout().contains("uid="), other.stdout());

            // A JVM ended by SIGTERM exits 143 after its shutdown hooks, Dropwizard's graceful stop among them.
            assertEquals(143, process.terminate());
            assertTrue(process.output().contains("Stopped oejs.Server@"), process.output());
        }
        assertFalse(Files.exists(app, LinkOption.NOFOLLOW_LINKS), "a graceful stop removes the socket");
        assertFalse(Files.exists(admin, LinkOption.NOFOLLOW_LINKS), "a graceful stop removes the socket");
    }

    /**
     * Dropwizard installs Jetty's SetUIDListener, which fully starts a connector that is not a NetworkConnector before
     * the handlers: requests sent as soon as the socket appears once got 404 for up to a second. Each must be served.
     */
    @Test
    void requestsSentAsSoonAsTheSocketAppearsAreServedNot404() throws Exception
    {
        Path app = tmp.resolve("app.sock");
        Path config = Files.writeString(tmp.resolve("config.yml"), String.join("\n",
            "server:",
            "  applicationConnectors:",
            "    - type: unixhttp",
            "      path: " + app,
            "  adminConnectors: []",
            ""));
        java.util.Map<String, Integer> statuses = new java.util.TreeMap<>();
        try (ChildProcess process = start(config))
        {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!Files.exists(app, LinkOption.NOFOLLOW_LINKS) && System.nanoTime() < deadline)
                Thread.sleep(1);
            assertTrue(Files.exists(app, LinkOption.NOFOLLOW_LINKS), "the socket appeared: " + process.output());
            // From the socket's first instant until well after the start: each request gets its answer.
            int afterStarted = 0;
            while (afterStarted < 20 && System.nanoTime() < deadline)
            {
                if (process.output().contains("Started oejs.Server@"))
                    afterStarted++;
                String response = io.github.unixhttp.testing.Exchange.get(app, "/whoami");
                String status = response.length() >= 12 ? response.substring(9, 12) : "<" + response + ">";
                statuses.merge(status, 1, Integer::sum);
            }
            assertEquals(java.util.Set.of("200"), statuses.keySet(), "statuses while the application started: " + statuses);
            assertEquals(143, process.terminate());
        }
    }

    @Test
    void anUnquotedModeATcpSettingOrAnEmptyListEntryIsAConfigurationError() throws Exception
    {
        Path app = tmp.resolve("app.sock");
        for (String[] wrong : new String[][]{
            {"      mode: 0660", "write the mode in quotes, e.g. mode: \"0660\""},
            {"      port: 8080", "'port' is a TCP setting, which a unixhttp connector has no use for: remove it (see 'path')"},
            // Joined into text, [""] would read as "not set": everyone admitted.
            {"      allowUsers: [\"\"]", "allowUsers: an empty entry in the list [\"\"]: remove it"}})
        {
            Path config = Files.writeString(tmp.resolve("config.yml"), String.join("\n",
                "server:",
                "  applicationConnectors:",
                "    - type: unixhttp",
                "      path: " + app,
                wrong[0],
                "  adminConnectors: []",
                ""));
            try (ChildProcess process = start(config))
            {
                assertNotEquals(0, process.exitCode());
                assertTrue(process.output().contains(wrong[1]), process.output());
                assertFalse(Files.exists(app, LinkOption.NOFOLLOW_LINKS));
            }
        }
    }

    private ChildProcess start(Path config) throws Exception
    {
        return ChildProcess.start(new ProcessBuilder(ChildProcess.java(), "-jar", JAR.toString(), "server", config.toString())
            .redirectErrorStream(true), tmp);
    }

    private static String run(String... command) throws Exception
    {
        return Run.run(WAIT, command).requireSuccess().stdout();
    }
}
