package io.github.unixhttp.connector.internal.activation;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.testing.ChildJvm;
import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import io.github.unixhttp.testing.Scripts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A listening socket handed over by a real supervisor (s6, systemd-socket-activate) is served, with credentials,
 * and is still there after the server stops; misconfigurations fail clearly.
 */
class SocketActivationTest
{
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopWhatWasStarted() throws InterruptedException
    {
        for (Process process : started)
        {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void s6SocketBinderHandsOverItsSocketOnStandardInput() throws Exception
    {
        Requirements.requireLinuxLayer("the peer pid");
        Requirements.requireCommand("s6-ipcserver-socketbinder");
        Requirements.requireCommand("curl");
        Path socket = tmp.resolve("app.sock");
        List<String> command = new ArrayList<>(List.of("s6-ipcserver-socketbinder", "-a", "0660", socket.toString()));
        command.addAll(ChildJvm.javaCommand("serve-inherited", "-"));
        Supervised server = start(command);
        server.awaitLine("LISTENING");
        assertEquals("660", Run.run(WAIT, "stat", "-c", "%a", socket.toString()).requireSuccess().stdout().trim());

        String info = curl(socket, "/info");
        assertTrue(info.contains("local=" + socket) && info.contains("peer.uid=0") && info.matches("(?s).*peer\\.pid=\\d+.*"), info);
        assertTrue(server.log().contains("Serving the inherited socket unix:" + socket + " from standard input"), server.log());

        server.terminate();
        assertTrue(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "the supervisor's socket file was removed");
        assertTrue(server.output().strip().endsWith("STOPPED"), "no message after stop: " + server.output());
        assertTrue(server.log().strip().endsWith("STOPPED"), "standard error went silent after stop: " + server.log());
    }

    @Test
    void systemdSocketActivateHandsOverListenFds() throws Exception
    {
        Requirements.requireCommand("systemd-socket-activate");
        Requirements.requireCommand("curl");
        Path socket = tmp.resolve("app.sock");
        List<String> command = new ArrayList<>(List.of("systemd-socket-activate", "-l", socket.toString()));
        command.addAll(ChildJvm.javaCommand("serve-inherited", "-"));
        Supervised server = start(command);
        server.awaitLogLine("Listening on " + socket);
        // systemd-socket-activate starts the service on the first connection, which then waits in the backlog.
        String info = curl(socket, "/info");
        assertTrue(info.contains("peer.uid=0") && info.contains("peer.user=root"), info);
        assertEquals("hello", curl(socket, "/"));
        assertTrue(server.log().contains("from LISTEN_FDS descriptor 3"), server.log());

        server.terminate();
        assertTrue(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "the supervisor's socket file was removed");
        assertTrue(server.output().strip().endsWith("STOPPED"), server.output());
        assertTrue(server.log().strip().endsWith("STOPPED"), server.log());
    }

    @Test
    void fdnamePicksTheNamedSocketAmongSeveral() throws Exception
    {
        Requirements.requireCommand("systemd-socket-activate");
        Requirements.requireCommand("curl");
        Path admin = tmp.resolve("admin.sock");
        Path api = tmp.resolve("api.sock");
        List<String> command = new ArrayList<>(List.of("systemd-socket-activate", "-l", admin.toString(), "-l", api.toString(),
            "--fdname=admin:api"));
        command.addAll(ChildJvm.javaCommand("serve-inherited", "-", "--fdname", "api"));
        Supervised server = start(command);
        server.awaitLogLine("Listening on " + api);
        String info = curl(api, "/info");
        assertTrue(info.contains("local=" + api), info);
        assertTrue(server.log().contains("from LISTEN_FDS descriptor 4 (api)"), server.log());
        server.terminate();
    }

    @Test
    void anUnknownFdnameFailsNamingThoseThatExist() throws Exception
    {
        Requirements.requireCommand("systemd-socket-activate");
        Requirements.requireCommand("curl");
        Path api = tmp.resolve("api.sock");
        List<String> command = new ArrayList<>(List.of("systemd-socket-activate", "-l", api.toString(), "--fdname=api"));
        command.addAll(ChildJvm.javaCommand("serve-inherited", "-", "--fdname", "nope"));
        Supervised server = start(command);
        server.awaitLogLine("Listening on " + api);
        Run.run(WAIT, "curl", "-sS", "-m", "20", "--unix-socket", api.toString(), "http://localhost/");
        assertEquals(1, server.exitCode());
        assertTrue(server.output().contains("FAILED No inherited socket is named 'nope'; the names passed are [api]"), server.output());
    }

    @Test
    void nothingInheritedFailsClearly() throws Exception
    {
        Supervised server = start(ChildJvm.javaCommand("serve-inherited", "-"));
        assertEquals(1, server.exitCode());
        assertTrue(server.output().contains("FAILED Asked to serve an inherited socket, but none was inherited: standard input " +
            "is not a socket. Start the server under s6-ipcserver-socketbinder"), server.output());
    }

    @Test
    void listenFdsForAnotherProcessAreIgnoredAndSaidSo() throws Exception
    {
        ProcessBuilder builder = new ProcessBuilder(ChildJvm.javaCommand("serve-inherited", "-"));
        builder.environment().put("LISTEN_FDS", "1");
        builder.environment().put("LISTEN_PID", "1");
        Supervised server = start(builder);
        assertEquals(1, server.exitCode());
        assertTrue(server.output().contains("LISTEN_PID=1 is not this process"), server.output());
    }

    @Test
    void aConnectionOnStandardInputIsNotAListeningSocket() throws Exception
    {
        Supervised server = start(withStdin("unix-connection"));
        assertEquals(1, server.exitCode());
        assertTrue(server.output().contains("is a connection, not a listening socket"), server.output());
    }

    @Test
    void aTcpListenerOnStandardInputIsNotAUnixSocket() throws Exception
    {
        Supervised server = start(withStdin("tcp-listener"));
        assertEquals(1, server.exitCode());
        assertTrue(server.output().contains("is not a Unix socket but /127.0.0.1:"), server.output());
    }

    private List<String> withStdin(String kind) throws Exception
    {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", Scripts.copy("with_stdin.py", tmp).toString(), kind));
        command.addAll(ChildJvm.javaCommand("serve-inherited", "-"));
        return command;
    }

    private static String curl(Path socket, String path) throws Exception
    {
        return Run.run(WAIT, "curl", "-sS", "--fail", "-m", "30", "--unix-socket", socket.toString(), "http://localhost" + path)
            .requireSuccess().stdout();
    }

    private Supervised start(List<String> command) throws Exception
    {
        return start(new ProcessBuilder(command));
    }

    private Supervised start(ProcessBuilder builder) throws Exception
    {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        started.add(process);
        return new Supervised(process, out, err);
    }

    /** A server process under its supervisor, with its output in files. */
    private record Supervised(Process process, Path out, Path err)
    {
        String output() throws Exception
        {
            return Files.readString(out);
        }

        String log() throws Exception
        {
            return Files.readString(err);
        }

        void awaitLine(String line) throws Exception
        {
            await(out, line);
        }

        void awaitLogLine(String line) throws Exception
        {
            await(err, line);
        }

        private void await(Path file, String text) throws Exception
        {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!Files.readString(file).contains(text))
            {
                if (!process.isAlive() || System.nanoTime() > deadline)
                    throw new AssertionError("never printed '" + text + "'; stdout: " + output() + "\nstderr: " + log());
                Thread.sleep(50);
            }
        }

        int exitCode() throws Exception
        {
            if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS))
                throw new AssertionError("did not exit; stdout: " + output() + "\nstderr: " + log());
            return process.exitValue();
        }

        /** SIGTERM, as a supervisor stops a service, then waits for the exit. */
        void terminate() throws Exception
        {
            process.destroy();
            exitCode();
        }
    }
}
