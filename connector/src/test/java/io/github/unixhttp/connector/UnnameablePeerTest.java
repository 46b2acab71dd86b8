package io.github.unixhttp.connector;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.unixhttp.testing.ChildJvm;
import io.github.unixhttp.testing.Exchange;
import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import io.github.unixhttp.testing.Scripts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * In a C locale (containers, service managers without one) the JDK cannot accept a connection whose peer bound its
 * socket to a non-ASCII name: it throws, and leaks the descriptor. A refused local user doing that a thousand times
 * must neither stop the server accepting nor make its descriptors grow, on either accept path.
 */
class UnnameablePeerTest
{
    private static final int ATTACKS = 1_000;
    /** A C locale, as containers and service managers without one have it: LC_ALL=C, and no LANG or LC_CTYPE. */
    private static final Map<String, String> C_LOCALE = cLocale();

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "acceptors: {0}")
    @ValueSource(ints = {0, 1})
    void aRefusedUserConnectingFromUnnameableSocketsNeitherStopsAcceptingNorLeaksDescriptors(int acceptors) throws Exception
    {
        Requirements.requireLinuxLayer("the sweep of descriptors the JDK leaks (/proc/self/fd)");
        Requirements.requireRoot();
        Requirements.requireCommand("python3");
        Run.openToOthers(tmp);
        Path peers = directoryForAnyone();
        Path socket = tmp.resolve("c-locale.sock");
        Path script = Scripts.copy("connect_from_unnameable.py", tmp);
        int ownUid = (int)new com.sun.security.auth.module.UnixSystem().getUid();
        try (ChildJvm server = ChildJvm.startWithEnvironment(C_LOCALE, "serve", socket.toString(), "--mode", "0666",
            "--allow-uid", Integer.toString(ownUid), "--acceptors", Integer.toString(acceptors)))
        {
            assertEquals("LISTENING", server.readLine());
            attackAndCheck(socket, peers, script, server.pid());
            assertTrue(server.stderr().contains("file-name encoding is US-ASCII") && server.stderr().contains("LANG=C.UTF-8"),
                "the start-up warning names the encoding and the fix:\n" + server.stderr());
            assertEquals(0, server.stop());
        }
    }

    /**
     * A sweep closes only what the JDK leaked: not a live connection whose peer took an unrepresentable name after it
     * was accepted (Linux lets a connected socket bind), nor one from an abstract name (which the JDK reads as empty).
     */
    @Test
    void liveConnectionsWhosePeersHaveUnrepresentableNamesAreNotSwept() throws Exception
    {
        Requirements.requireCommand("python3");
        Path peers = Files.createDirectory(tmp.resolve("peers"));
        Path socket = tmp.resolve("live.sock");
        Path script = Scripts.copy("live_peers_renamed.py", tmp);
        try (ChildJvm server = ChildJvm.startWithEnvironment(C_LOCALE, "serve", socket.toString()))
        {
            assertEquals("LISTENING", server.readLine());
            Run.Result result = Run.run(Duration.ofSeconds(60), "/usr/bin/python3", script.toString(), socket.toString(), peers.toString())
                .requireSuccess();
            assertEquals("renamed HTTP/1.1 200 OK\nabstract HTTP/1.1 200 OK", result.stdout().trim(), result + "\n" + server.stderr());
            assertEquals(0, server.stop());
        }
    }

    /**
     * A socket s6 hands over (standard input), served in a C locale: the same attack, the same outcome. The socket is
     * the supervisor's and outlives the server; the JDK's accept on it is the one that throws.
     */
    @Test
    void anInheritedSocketGoesOnAcceptingAndLeaksNothing() throws Exception
    {
        Requirements.requireLinuxLayer("the sweep of descriptors the JDK leaks (/proc/self/fd)");
        Requirements.requireRoot();
        Requirements.requireCommand("python3");
        Requirements.requireCommand("s6-ipcserver-socketbinder");
        Run.openToOthers(tmp);
        Path peers = directoryForAnyone();
        Path socket = tmp.resolve("inherited.sock");
        Path script = Scripts.copy("connect_from_unnameable.py", tmp);
        List<String> command = new java.util.ArrayList<>(List.of("s6-ipcserver-socketbinder", "-a", "0666", socket.toString()));
        command.addAll(ChildJvm.javaCommand("serve-inherited", "-"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        ChildJvm.change(builder.environment(), C_LOCALE);
        Path output = tmp.resolve("inherited.out");
        Process server = builder.redirectOutput(output.toFile()).start();
        try
        {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.readString(output).contains("LISTENING") && server.isAlive() && System.nanoTime() < deadline)
                Thread.sleep(20);
            assertTrue(Files.readString(output).contains("LISTENING"), Files.readString(output));
            // s6-ipcserver-socketbinder execs into the JVM: the process is the server.
            attackAndCheck(socket, peers, script, server.pid());
        }
        finally
        {
            server.destroyForcibly();
            server.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /**
     * A refused (or any) second user connects {@link #ATTACKS} times from sockets bound to non-ASCII names while an
     * allowed client is served throughout; afterwards the server still serves and its descriptors are back.
     */
    private static void attackAndCheck(Path socket, Path peers, Path script, long pid) throws Exception
    {
        assertTrue(Exchange.get(socket, "/").startsWith("HTTP/1.1 200"));
        long before = openDescriptors(pid);

        AtomicBoolean attacking = new AtomicBoolean(true);
        AtomicInteger served = new AtomicInteger();
        CompletableFuture<String> allowedClient = CompletableFuture.supplyAsync(() ->
        {
            try
            {
                while (attacking.get())
                {
                    String response = Exchange.get(socket, "/");
                    if (!response.startsWith("HTTP/1.1 200"))
                        return "not served: " + response;
                    served.incrementAndGet();
                }
                return "ok";
            }
            catch (Exception failure)
            {
                return failure.toString();
            }
        });
        Run.Result attack = Run.run(Duration.ofSeconds(120), Run.asOtherUser(List.of("/usr/bin/python3", script.toString(),
            socket.toString(), peers.toString(), Integer.toString(ATTACKS))));
        attacking.set(false);
        assertEquals(Integer.toString(ATTACKS), attack.requireSuccess().stdout().trim(), "every attacking connect got through: " + attack);
        assertEquals("ok", allowedClient.get(), "the allowed client during the attack");
        assertTrue(served.get() > 0);

        // Accepting goes on, and the descriptors the JDK leaked are closed (shortly: in sweeps).
        assertTrue(Exchange.get(socket, "/").startsWith("HTTP/1.1 200"), "served after the attack");
        long after = waitForDescriptorsAtMost(pid, before + 4, Duration.ofSeconds(10));
        assertTrue(after <= before + 4, "descriptors before the attack " + before + ", after " + after);
    }

    private static Map<String, String> cLocale()
    {
        Map<String, String> environment = new HashMap<>();
        environment.put("LC_ALL", "C");
        environment.put("LANG", null);
        environment.put("LC_CTYPE", null);
        return environment;
    }

    /** The directory the peers bind their sockets in: any user may write there. */
    private Path directoryForAnyone() throws Exception
    {
        Path peers = Files.createDirectory(tmp.resolve("peers"));
        Files.setPosixFilePermissions(peers, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        return peers;
    }

    private static long waitForDescriptorsAtMost(long pid, long limit, Duration patience) throws Exception
    {
        long deadline = System.nanoTime() + patience.toNanos();
        long count = openDescriptors(pid);
        while (count > limit && System.nanoTime() < deadline)
        {
            Thread.sleep(100);
            count = openDescriptors(pid);
        }
        return count;
    }

    private static long openDescriptors(long pid) throws Exception
    {
        try (var fds = Files.list(Path.of("/proc/" + pid + "/fd")))
        {
            return fds.count();
        }
    }
}
