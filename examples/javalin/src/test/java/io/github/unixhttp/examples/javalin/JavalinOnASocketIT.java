package io.github.unixhttp.examples.javalin;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import io.github.unixhttp.testing.ChildProcess;
import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Javalin recipe, run as a process as a user runs it: served on the socket with its mode, the caller's
 * credentials reach the route, another user is refused, SIGTERM stops it and removes the socket, and one Jetty
 * version is on its class path.
 */
class JavalinOnASocketIT
{
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @Test
    void servesOnTheSocketWithCredentialsAndRemovesItOnSigterm() throws Exception
    {
        Requirements.requireCommand("curl");
        Path socket = Run.openToOthers(tmp).resolve("javalin.sock");
        String classPath = System.getProperty("java.class.path");
        List<String> command = new ArrayList<>(List.of(ChildProcess.java(), "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 22)
            command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(List.of("-cp", classPath, JavalinOnASocket.class.getName(), socket.toString()));
        try (ChildProcess app = ChildProcess.start(new ProcessBuilder(command).redirectErrorStream(true), tmp))
        {
            app.awaitOutput("Javalin started");
            assertEquals("660", Run.run(WAIT, "stat", "-c", "%a", socket.toString()).requireSuccess().stdout().trim());
            String whoami = Run.run(WAIT, "curl", "-sS", "--fail", "--unix-socket", socket.toString(), "http://localhost/whoami")
                .requireSuccess().stdout();
            long uid = new com.sun.security.auth.module.UnixSystem().getUid();
            assertTrue(whoami.startsWith("pid=") && whoami.contains("uid=" + uid), whoami);
            if (Requirements.isRoot())
            {
                // 0660 and root's group keep the second user out unless it is in the group: it is refused by the policy.
                Run.Result other = Run.run(WAIT, Run.asOtherUser(List.of("curl", "-sS", "-w", "%{http_code}", "--unix-socket",
                    socket.toString(), "http://localhost/whoami"), 0)).requireSuccess();
                assertTrue(other.stdout().endsWith("403"), other.stdout());
            }
            assertEquals(143, app.terminate(), "exit status after SIGTERM\n" + app.output());
        }
        assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "SIGTERM left the socket file behind");
        assertFalse(Files.exists(socket.resolveSibling("javalin.sock.lock"), LinkOption.NOFOLLOW_LINKS), "nor its lock file");
    }

    @Test
    void oneJettyVersionIsOnTheClassPath()
    {
        Set<String> versions = new TreeSet<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator))
        {
            String name = Path.of(entry).getFileName().toString();
            if (name.startsWith("jetty-") && name.endsWith(".jar") && !name.contains("jakarta") && !name.contains("toolchain"))
                versions.add(name.replaceAll("^.*-(12\\.[0-9]+\\.[0-9]+)\\.jar$", "$1"));
        }
        assertEquals(1, versions.size(), "Jetty versions on the class path: " + versions);
    }
}
