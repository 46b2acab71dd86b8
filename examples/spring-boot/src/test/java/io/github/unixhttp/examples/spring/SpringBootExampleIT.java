package io.github.unixhttp.examples.spring;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spring Boot example's executable jar, started as a process with {@code --unixhttp.server.*} arguments, and
 * reached with curl over the socket.
 */
class SpringBootExampleIT
{
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** A group neither the socket's nor the second user's. */
    private static final int OUTSIDE_GID = 4242;
    private static final int UID = (int) new com.sun.security.auth.module.UnixSystem().getUid();

    @TempDir
    Path tmp;
    Path socket;

    @BeforeEach
    void needsCurl()
    {
        Requirements.requireCommand("curl");
        socket = tmp.resolve("app.sock");
    }

    /**
     * The socket replaces the TCP connector, with its mode in place; controllers see the caller's uid; SIGTERM lets a
     * request in flight finish (Spring Boot's graceful shutdown reaches our connector), then the process exits and the
     * socket file is gone.
     */
    @Test
    void servesTheCallersUidOnTheSocketAndFinishesARequestInFlightOnSigterm() throws Exception
    {
        try (BootProcess app = BootProcess.start(tmp, "--unixhttp.server.socket-path=" + socket, "--unixhttp.server.file-mode=0660"))
        {
            String log = app.awaitOutput("Started SpringBootExample");
            assertTrue(log.contains("Listening on unix:" + socket + " (mode 0660) [http/1.1]"), log);
            assertFalse(log.contains("and on TCP port"), "the TCP connector should be gone:\n" + log);
            assertEquals("660", Run.run(WAIT, "stat", "-c", "%a", socket.toString()).requireSuccess().stdout().trim());

            assertEquals(UID + "\n", curl("http://localhost/uid"));
            String whoami = curl("http://localhost/whoami");
            assertTrue(whoami.startsWith("{\"uid\":" + UID + ",") && whoami.contains("\"pid\":"), whoami);

            CompletableFuture<Run.Result> slow = CompletableFuture.supplyAsync(() -> run("curl", "-sS", "--fail",
                "--unix-socket", socket.toString(), "http://localhost/slow?ms=3000"));
            app.awaitOutput("slow request started");
            assertEquals(143, app.terminate(), "exit status after SIGTERM (128 + 15, as for any JVM)\n" + app.output());
            assertEquals("done after 3000 ms\n", slow.get(30, TimeUnit.SECONDS).requireSuccess().stdout());
            String stopped = app.output();
            assertTrue(stopped.indexOf("Commencing graceful shutdown") < stopped.indexOf("Graceful shutdown complete") &&
                stopped.indexOf("Graceful shutdown complete") < stopped.indexOf("Stopped UnixSocketConnector"), stopped);
            assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "the socket file was left behind");
        }
    }

    /**
     * Who may connect: the file's mode and group keep out a user outside the group (refused by the kernel), and the
     * peer policy answers 403 to one inside it who is not allowed.
     */
    @Test
    void anotherUserIsKeptOutByTheModeAndRefusedByThePolicy() throws Exception
    {
        Requirements.requireRoot();
        Requirements.requireCommand("setpriv");
        Run.openToOthers(tmp);
        try (BootProcess app = BootProcess.start(tmp, "--unixhttp.server.socket-path=" + socket, "--unixhttp.server.file-mode=0660",
            "--unixhttp.server.file-group=" + Run.OTHER_GID, "--unixhttp.server.allow-users=root"))
        {
            app.awaitOutput("Started SpringBootExample");
            assertEquals("660 " + Run.OTHER_GID, Run.run(WAIT, "stat", "-c", "%a %g", socket.toString()).requireSuccess().stdout().trim());
            assertEquals("0\n", curl("http://localhost/uid"));

            List<String> request = List.of("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--unix-socket", socket.toString(),
                "http://localhost/uid");
            Run.Result inGroup = Run.run(WAIT, Run.asOtherUser(request, Run.OTHER_GID));
            assertEquals("403", inGroup.stdout(), inGroup.stderr());
            assertTrue(app.output().contains("uid=65534(nobody)"), app.output());

            List<String> outsider = new ArrayList<>(List.of("setpriv", "--reuid", String.valueOf(Run.OTHER_UID), "--regid",
                String.valueOf(OUTSIDE_GID), "--clear-groups"));
            outsider.addAll(request);
            Run.Result outsideGroup = Run.run(WAIT, outsider);
            assertEquals(7, outsideGroup.exitCode(), "curl should not even connect: " + outsideGroup);
            assertEquals("0\n", curl("http://localhost/uid"));
        }
    }

    /**
     * Zero-downtime restart: a second instance started with takeover on the same path swaps its socket in once it has
     * started; the first one drains, closes its application context and exits by itself with status 0, leaving the
     * path to the second, which serves it.
     */
    @Test
    void aNewInstanceTakesThePathOverAndTheOldOneExitsByItself() throws Exception
    {
        try (BootProcess old = BootProcess.start(tmp, "--unixhttp.server.socket-path=" + socket, "--unixhttp.server.file-mode=0600"))
        {
            old.awaitOutput("Started SpringBootExample");
            assertEquals(UID + "\n", curl("http://localhost/uid"));
            Path second = Files.createDirectory(tmp.resolve("second"));
            try (BootProcess next = BootProcess.start(second, "--unixhttp.server.socket-path=" + socket,
                "--unixhttp.server.file-mode=0600", "--unixhttp.server.takeover=true"))
            {
                next.awaitOutput("Started SpringBootExample");
                assertEquals(0, old.exitCode(), "the old instance should exit by itself once replaced\n" + old.output());
                assertTrue(next.isAlive(), next.output());
                assertEquals(UID + "\n", curl("http://localhost/uid"));
                assertEquals("600", Run.run(WAIT, "stat", "-c", "%a", socket.toString()).requireSuccess().stdout().trim());
                assertEquals(143, next.terminate(), next.output());
                assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "the socket file was left behind");
            }
        }
    }

    @Test
    void aBadPropertyStopsTheStartNamingIt() throws Exception
    {
        try (BootProcess app = BootProcess.start(tmp, "--unixhttp.server.socket-path=" + socket, "--unixhttp.server.file-mode=999"))
        {
            assertEquals(1, app.exitCode());
            assertTrue(app.output().contains("Property: unixhttp.server.file-mode") && app.output().contains("not an octal mode"), app.output());
            assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
        }
    }

    private String curl(String url) throws Exception
    {
        return Run.run(WAIT, "curl", "-sS", "--fail", "--unix-socket", socket.toString(), url).requireSuccess().stdout();
    }

    private static Run.Result run(String... command)
    {
        try
        {
            return Run.run(WAIT, command);
        }
        catch (Exception failure)
        {
            throw new RuntimeException(failure);
        }
    }
}
