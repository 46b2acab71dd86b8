package io.github.unixhttp.examples;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import io.github.unixhttp.testing.Scripts;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo jar, started as a separate process the way a user starts it, and reached with curl and Python.
 */
class DemoServerIT
{
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;
    Path socket;

    @BeforeEach
    void needsCurl()
    {
        Requirements.requireCommand("curl");
        socket = tmp.resolve("demo.sock");
    }

    @Test
    void servesEachEndpointAndPrintsHowToReachIt() throws Exception
    {
        try (DemoProcess demo = DemoProcess.start(tmp, "--socket", socket.toString()))
        {
            String banner = demo.awaitOutput("try: ");
            assertTrue(banner.startsWith("listening on unix:" + socket + " (mode 0600)\ntry: curl --unix-socket " + socket), banner);

            String page = curl("http://localhost/");
            assertTrue(page.startsWith("<!DOCTYPE html>") && page.contains("<dd id=\"peer-user\">root</dd>") &&
                page.contains("id=\"connections\""), page);

            Run.Result whoami = Run.run(WAIT, List.of("/usr/bin/python3", Scripts.copy("whoami_json.py", tmp).toString(), socket.toString()))
                .requireSuccess();
            String[] lines = whoami.stdout().split("\n");
            assertEquals("{\"pid\":" + lines[0] + ",\"uid\":0,\"gid\":0,\"groups\":[" + lines[1] + "],\"user\":\"root\",\"group\":\"root\"}", lines[2]);

            Path upload = Files.write(tmp.resolve("upload.bin"), new byte[3 * 1024 * 1024 + 7]);
            Path echoed = tmp.resolve("echoed.bin");
            curl("--data-binary", "@" + upload, "-o", echoed.toString(), "http://localhost/echo");
            assertEquals(Files.size(upload), Files.size(echoed));
            assertEquals(5_000_000, curl("http://localhost/bytes?n=5000000").length());
            assertTrue(curl("-w", "%{http_code}", "http://localhost/bytes?n=oops").endsWith("400"));
            assertTrue(curl("-w", "%{http_code}", "http://localhost/nope").endsWith("404"));
        }
    }

    @Test
    void badHostHeadersAre400WithoutALogLinePerRequest() throws Exception
    {
        try (DemoProcess demo = DemoProcess.start(tmp, "--socket", socket.toString()))
        {
            demo.awaitOutput("try: ");
            for (int i = 0; i < 20; i++)
                assertTrue(curl("-w", "%{http_code}", "-H", "Host: /tmp/app.sock " + i, "http://localhost/").endsWith("400"));
            assertEquals(0, demo.terminate());
            assertFalse(demo.errors().contains("Bad Authority"), demo.errors());
        }
    }

    /**
     * Clients that send the whole body before reading (Python's http.client, requests, httpx) get their echo: the
     * demo reads the body first. Streaming it back at once stalled past about 416 KiB, when the socket buffers of
     * both directions were full, until the idle timeout.
     */
    @Test
    void echoOfABodySentWholeBeforeReadingComesBackAndTooLargeIs413() throws Exception
    {
        Requirements.requireCommand("python3");
        try (DemoProcess demo = DemoProcess.start(tmp, "--socket", socket.toString()))
        {
            demo.awaitOutput("try: ");
            Path script = Scripts.copy("echo_send_first.py", tmp);
            for (int size : new int[]{1024 * 1024, 8 * 1024 * 1024})
            {
                Run.Result echo = Run.run(Duration.ofSeconds(25), List.of("/usr/bin/python3", script.toString(), socket.toString(),
                    Integer.toString(size))).requireSuccess();
                assertEquals("200 " + size + " True", echo.stdout().trim(), echo.stderr());
            }
            Path tooLarge = Files.write(tmp.resolve("large.bin"), new byte[16 * 1024 * 1024 + 1]);
            assertTrue(curl("-w", "%{http_code}", "-o", "/dev/null", "--data-binary", "@" + tooLarge, "http://localhost/echo").endsWith("413"));
            assertTrue(curl("-w", "%{http_code}", "-o", "/dev/null", "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + tooLarge,
                "http://localhost/echo").endsWith("413"));
        }
    }

    @Test
    void h2cAndAbstractNames() throws Exception
    {
        String name = "unixhttp-demo-test-" + UUID.randomUUID();
        try (DemoProcess demo = DemoProcess.start(tmp, "--socket", "@" + name, "--h2c"))
        {
            assertTrue(demo.awaitOutput("try: ").startsWith("listening on unix:@" + name + "\ntry: curl --abstract-unix-socket " + name));
            String json = Run.run(WAIT, "curl", "-sS", "--fail", "--http2-prior-knowledge", "--abstract-unix-socket", name,
                "-w", " %{http_version}", "http://localhost/whoami").requireSuccess().stdout();
            assertTrue(json.contains("\"user\":\"root\"") && json.endsWith(" 2"), json);
        }
    }

    @Test
    void modeAndGroupAreSetAndEnforcedForAnotherUser() throws Exception
    {
        Requirements.requireRoot();
        Path dir = Run.openToOthers(tmp);
        try (DemoProcess demo = DemoProcess.start(tmp, "--socket", socket.toString(), "--mode", "0660", "--group", "4242"))
        {
            assertTrue(demo.awaitOutput("try: ").contains("(mode 0660)"));
            assertEquals("660 4242", Run.run(WAIT, "stat", "-c", "%a %g", socket.toString()).requireSuccess().stdout().trim());
            assertEquals("connected", Scripts.connectAsOtherUser(socket, dir, 4242));
            assertEquals("EACCES", Scripts.connectAsOtherUser(socket, dir));
        }
    }

    @Test
    void allowUidRefusesOthersWith403() throws Exception
    {
        Requirements.requireRoot();
        Run.openToOthers(tmp);
        try (DemoProcess demo = DemoProcess.start(tmp, "--socket", socket.toString(), "--mode", "0666", "--allow-uid", "root"))
        {
            demo.awaitOutput("try: ");
            Run.Result other = Run.run(WAIT, Run.asOtherUser(List.of("curl", "-sS", "-w", "\n%{http_code}", "--unix-socket",
                socket.toString(), "http://localhost/whoami"))).requireSuccess();
            assertEquals("Forbidden: this server does not accept connections from your user\n\n403", other.stdout());
            assertTrue(demo.errors().contains("refused pid=") && demo.errors().contains("uid=65534(nobody)") &&
                demo.errors().contains("(peer policy: allowed: users [root])"), demo.errors());
            assertTrue(curl("http://localhost/whoami").contains("\"uid\":0"));
        }
    }

    @Test
    void sigtermLetsADownloadThatStallsFinishThenExitsZero() throws Exception
    {
        int size = 4 * 1024 * 1024;
        try (DemoProcess demo = DemoProcess.start(tmp, "--socket", socket.toString()))
        {
            demo.awaitOutput("try: ");
            // The client stops reading for 3 s right when the stop begins: longer than Jetty's default
            // 1 s shutdown idle timeout, which would cut the transfer.
            StallingDownload download = StallingDownload.startAndAwaitStall(tmp, socket, size, 3);
            assertEquals(0, demo.terminate(), "exit code after SIGTERM; stderr: " + demo.errors());
            Run.Result result = download.awaitSuccess();
            assertEquals("HTTP/1.1 200 OK\n" + size + "\n", result.stdout());
            assertTrue(demo.output().endsWith("stopped\n"), demo.output());
            assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "the socket file was left behind");
        }
    }

    /** 300 clients that ask for a large download and never read hold no pool thread: others are served at once. */
    @Test
    void downloadsNobodyReadsHoldNoThread() throws Exception
    {
        List<java.nio.channels.SocketChannel> stalled = new java.util.ArrayList<>();
        try (DemoProcess demo = DemoProcess.start(tmp, "--socket", socket.toString()))
        {
            demo.awaitOutput("try: ");
            for (int i = 0; i < 300; i++)
            {
                java.nio.channels.SocketChannel channel = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX);
                stalled.add(channel);
                channel.connect(java.net.UnixDomainSocketAddress.of(socket));
                channel.write(java.nio.ByteBuffer.wrap("GET /bytes?n=1073741824 HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            }
            Thread.sleep(1000);
            Run.Result whoami = Run.run(Duration.ofSeconds(20), List.of("curl", "-sS", "-m", "5", "--unix-socket", socket.toString(),
                "http://localhost/whoami"));
            assertEquals(0, whoami.exitCode(), "another client while 300 downloads stall: " + whoami);
            assertTrue(whoami.stdout().contains("uid"), whoami.stdout());
            // Their clients gone, the stalled downloads end: the stop that follows has nothing to wait for.
            for (java.nio.channels.SocketChannel channel : stalled)
                channel.close();
            assertEquals(0, demo.terminate(), "the stop after the stalled downloads' clients left\n" + demo.errors());
        }
        finally
        {
            for (java.nio.channels.SocketChannel channel : stalled)
                channel.close();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--bogus                           | Unknown option: '--bogus'",
        "--mode                            | Missing required parameter for option '--mode' (OCTAL)",
        "--mode 0999                       | --mode: Socket file mode '0999' is not an octal mode",
        "--stale sometimes                 | --stale=sometimes is not a policy: write remove (a dead socket at the path is replaced) or fail",
        "--allow-uid 1,,2                  | --allow-uid: an empty entry",
        "--allow-uid root,no-such-user-4711 | --allow-uid: this system has no user no-such-user-4711",
        "--allow-gid no-such-group-4711    | --allow-gid: this system has no group no-such-group-4711",
        "--trust-proxy no-such-user-4711   | --trust-proxy: this system has no user no-such-user-4711",
        "--allow-uid 99999999999           | --allow-uid: the id 99999999999 is out of range",
        "--inherit --socket /tmp/x.sock    | --inherit and --socket exclude each other",
        "--socket @name --mode 0600        | --socket=@name is an abstract name, which has no file, hence no mode or group: remove --mode",
        "--proxy-protocol                  | --proxy-protocol needs --trust-proxy",
        "--inherit --takeover              | --takeover replaces a socket file at a path: it does not go with --inherit",
        "--socket @name --takeover         | --takeover replaces a socket file at a path: it does not go with an abstract name",
    })
    void badArgumentsExitTwoNamingTheOption(String arguments, String message) throws Exception
    {
        try (DemoProcess demo = DemoProcess.start(tmp, arguments.trim().split(" +")))
        {
            assertEquals(2, demo.exitCode());
            assertTrue(demo.errors().startsWith("unixhttp-demo: " + message.trim()), demo.errors());
        }
    }

    /** So that a command line is fixed in one round: each value's problem, then those between options, then the demo's own. */
    @Test
    void everyProblemOfACommandLineIsNamedAtOnce() throws Exception
    {
        try (DemoProcess demo = DemoProcess.start(tmp, "--stale", "x", "--allow-gid", "1,,2", "--inherit", "--group", "adm",
            "--proxy-protocol"))
        {
            assertEquals(2, demo.exitCode());
            String said = demo.errors().lines().findFirst().orElse("");
            assertTrue(said.startsWith("unixhttp-demo: "), demo.errors());
            List<String> problems = List.of(said.substring("unixhttp-demo: ".length()).split("; "));
            assertEquals(4, problems.size(), said);
            assertTrue(problems.get(0).startsWith("--stale=x is not a policy"), said);
            assertTrue(problems.get(1).startsWith("--allow-gid: an empty entry"), said);
            assertTrue(problems.get(2).startsWith("--group does not apply to an inherited socket (--inherit)"), said);
            assertTrue(problems.get(3).startsWith("--proxy-protocol needs --trust-proxy"), said);
        }
    }

    @Test
    void versionExitsZeroNamingTheVersion() throws Exception
    {
        try (DemoProcess demo = DemoProcess.start(tmp, "--version"))
        {
            assertEquals(0, demo.exitCode());
            assertTrue(demo.output().startsWith("unixhttp-demo 0."), demo.output());
        }
    }

    @Test
    void helpExitsZero() throws Exception
    {
        try (DemoProcess demo = DemoProcess.start(tmp, "--help"))
        {
            assertEquals(0, demo.exitCode());
            assertTrue(demo.output().startsWith("usage: java -jar unixhttp-demo.jar [options]"), demo.output());
        }
    }

    @Test
    void aFailureToListenExitsOneWithTheConnectorsMessage() throws Exception
    {
        Files.writeString(socket, "precious");
        try (DemoProcess demo = DemoProcess.start(tmp, "--socket", socket.toString()))
        {
            assertEquals(1, demo.exitCode());
            assertTrue(demo.errors().contains("unixhttp-demo: Cannot listen on unix:" + socket + ": a regular file is already there"),
                demo.errors());
            assertEquals("precious", Files.readString(socket));
        }
    }

    /**
     * A start failure prints the connector's own sentence (what went wrong, which file, what to do), not just its
     * deepest cause (which said only the lock file's name, or "Permission denied").
     */
    @Test
    void aDirectoryTheServerCannotWriteToGetsTheConnectorsSentence() throws Exception
    {
        Requirements.requireRoot();
        Requirements.requireCommand("setpriv");
        Run.openToOthers(tmp);
        Path locked = Files.createDirectory(tmp.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path inLocked = locked.resolve("demo.sock");
        try (DemoProcess demo = DemoProcess.startAsOtherUser(tmp, "--socket", inLocked.toString()))
        {
            assertEquals(1, demo.exitCode(), demo.errors());
            String said = demo.errors().lines().filter(line -> line.startsWith("unixhttp-demo: ")).findFirst().orElse("");
            String sentence = "unixhttp-demo: Cannot listen on unix:" + inLocked + ": ";
            assertTrue(said.startsWith(sentence), demo.errors());
            // The connector's explanation itself, not a bare file name or errno text.
            assertTrue(said.substring(sentence.length()).split(" ").length >= 5, said);
            assertTrue(said.contains("may not create files in " + locked) && !said.contains("belongs to"), said);
        }
        try (var left = Files.list(locked))
        {
            assertEquals(0, left.count(), "the failed start left files in " + locked);
        }
    }

    /**
     * The default socket directory, {@code unixhttp-$USER} in {@code $TMPDIR}, is looked at without following links:
     * a link, a directory of another user or one that others may enter are refused; a missing one is created 0700.
     */
    @Test
    void theDefaultDirectoryMustBeThisUsersOwnPrivateDirectory() throws Exception
    {
        Path base = Files.createDirectory(tmp.resolve("base"));
        Map<String, String> environment = Map.of("TMPDIR", base.toString());
        Path dir = base.resolve("unixhttp-" + System.getProperty("user.name"));

        Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
        Files.createSymbolicLink(dir, elsewhere);
        assertRefused(environment, "unixhttp-demo: The demo's default socket directory " + dir + " is a symbolic link (to " + elsewhere + ")");
        try (var left = Files.list(elsewhere))
        {
            assertEquals(0, left.count(), "the demo put something where the link points");
        }
        Files.delete(dir);

        Files.createDirectory(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertRefused(environment, "unixhttp-demo: The demo's default socket directory " + dir + " has mode rwxr-xr-x, but only " +
            "its owner may enter it: chmod 700 " + dir);
        if (Requirements.isRoot())
        {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            Files.setAttribute(dir, "unix:uid", Run.OTHER_UID);
            assertRefused(environment, "unixhttp-demo: The demo's default socket directory " + dir + " belongs to nobody (uid 65534)");
        }
        Files.delete(dir);

        try (DemoProcess demo = DemoProcess.start(tmp, environment))
        {
            Path socket = dir.resolve("unixhttp-demo.sock");
            assertTrue(demo.awaitOutput("try: ").startsWith("listening on unix:" + socket + " (mode 0600)"), demo.output());
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
            assertEquals(0, demo.terminate(), demo.errors());
        }
    }

    private void assertRefused(Map<String, String> environment, String message) throws Exception
    {
        try (DemoProcess demo = DemoProcess.start(tmp, environment))
        {
            assertEquals(1, demo.exitCode(), demo.output() + demo.errors());
            assertTrue(demo.errors().contains(message), demo.errors());
        }
    }

    @Test
    void staleFailRefusesADeadSocket() throws Exception
    {
        try (var dead = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX))
        {
            dead.bind(java.net.UnixDomainSocketAddress.of(socket));
        }
        try (DemoProcess demo = DemoProcess.start(tmp, "--socket", socket.toString(), "--stale", "fail"))
        {
            assertEquals(1, demo.exitCode());
            assertTrue(demo.errors().contains("a dead socket is in the way"), demo.errors());
        }
        try (DemoProcess demo = DemoProcess.start(tmp, "--socket", socket.toString(), "--stale", "remove"))
        {
            demo.awaitOutput("try: ");
            assertTrue(curl("http://localhost/whoami").contains("\"user\":\"root\""));
        }
    }

    private String curl(String... arguments) throws Exception
    {
        List<String> command = new java.util.ArrayList<>(List.of("curl", "-sS", "--unix-socket", socket.toString()));
        command.addAll(List.of(arguments));
        return Run.run(WAIT, command).requireSuccess().stdout();
    }
}
