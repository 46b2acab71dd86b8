package io.github.unixhttp.unit.okhttp;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.core.internal.nativeedge.NativeEdge;
import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import io.github.unixhttp.unit.ServerIdentityCheck;
import io.github.unixhttp.unit.ServerIdentityException;
import io.github.unixhttp.unit.SocketFileException;
import io.github.unixhttp.unit.UnixClientOptions;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server identity check on the OkHttp client: a server of the wrong user gets the connection and not a single
 * byte of the request, and the refusal is not retried; the socket file is looked at before connecting; the right
 * server passes.
 */
class OkHttpServerIdentityTest
{
    @TempDir
    Path tmp;

    /** A squatter of another user in a shared directory, and a client that requires root. */
    @Test
    void aSquatterOfAnotherUserIsRefusedBeforeAByteIsWritten() throws Throwable
    {
        Requirements.requireRoot();
        Requirements.requireCommand("python3");
        Path shared = Files.createDirectory(Run.openToOthers(tmp).resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path socket = shared.resolve("daemon.sock");
        UnixClientOptions rootOnly = UnixClientOptions.builder().serverIdentity(ServerIdentityCheck.uid(0)).build();
        String counts = countedBySquatter(shared, socket.toString(), true, () ->
        {
            ServerIdentityException refused = assertRefusedForIdentity(() ->
                OkHttpClientTest.get(UnixOkHttpClients.newClient(UnixSocketAddress.ofPath(socket), rootOnly), "http://localhost/secret"));
            assertEquals(Run.OTHER_UID, refused.server().uid());
        });
        assertEquals("connections=1 bytes=0", counts, "the squatter got request bytes, or a refused connect was retried");
    }

    /**
     * OkHttp retries a call whose connect failed when it has another route; with one socket there is none: one
     * connection, no byte. The squatter runs as this user, and the check requires another.
     */
    @Test
    void aFailedIdentityCheckMakesExactlyOneConnection() throws Throwable
    {
        Requirements.requireCommand("python3");
        Path socket = tmp.resolve("daemon.sock");
        UnixClientOptions someoneElse = UnixClientOptions.builder().serverIdentity(ServerIdentityCheck.uid(otherUid())).build();
        AtomicInteger connectStarts = new AtomicInteger();
        String counts = countedBySquatter(tmp, socket.toString(), false, () ->
        {
            OkHttpClient client = UnixOkHttpClients.builder(UnixSocketAddress.ofPath(socket), someoneElse)
                .eventListener(new EventListener()
                {
                    @Override
                    public void connectStart(Call call, java.net.InetSocketAddress address, java.net.Proxy proxy)
                    {
                        connectStarts.incrementAndGet();
                    }
                }).build();
            assertRefusedForIdentity(() -> OkHttpClientTest.get(client, "http://localhost/"));
            // Asynchronously too: the refusal reaches the callback.
            Throwable failure = assertThrows(Exception.class, () -> OkHttpClientTest.enqueue(client,
                new okhttp3.Request.Builder().url("http://localhost/").build()).get(30, TimeUnit.SECONDS));
            assertTrue(failure.getCause() instanceof ServerIdentityException, failure.toString());
            OkHttpClientTest.close(client);
        });
        assertEquals("connections=2 bytes=0 attempts=2", counts + " attempts=" + connectStarts.get());
    }

    /** An abstract name has no permissions: by default its server must be this user or root. */
    @Test
    void anAbstractNameOfAnotherUsersServerIsRefusedByDefault() throws Throwable
    {
        Requirements.requireLinuxLayer("abstract names");
        Requirements.requireRoot();
        Requirements.requireCommand("python3");
        String name = "unixhttp-okhttp-squat-" + UUID.randomUUID();
        UnixSocketAddress address = UnixSocketAddress.ofAbstractName(name);
        String counts = countedBySquatter(Run.openToOthers(tmp), "@" + name, true, () ->
        {
            ServerIdentityException refused = assertRefusedForIdentity(() ->
                OkHttpClientTest.get(UnixOkHttpClients.newClient(address), "http://localhost/secret"));
            assertEquals(Run.OTHER_UID, refused.server().uid());
        });
        assertEquals("connections=1 bytes=0", counts);
    }

    @Test
    void theRightServerPassesTheCheck() throws Exception
    {
        UnixSocketAddress address = UnixSocketAddress.ofPath(tmp.resolve("app.sock"));
        UnixClientOptions sameUser = UnixClientOptions.builder().serverIdentity(ServerIdentityCheck.sameUser()).build();
        try (CountingServer server = CountingServer.start(address))
        {
            OkHttpClient client = UnixOkHttpClients.newClient(address, sameUser);
            assertEquals("hello", OkHttpClientTest.get(client, "http://localhost/"));
            assertEquals("hello", OkHttpClientTest.get(client, "http://localhost/"));
            assertEquals(2, server.handled());
            assertEquals(1, server.accepted());
        }
    }

    @Test
    void aSymlinkIsRefusedBeforeConnectingUnlessLinksAreAllowed() throws Exception
    {
        Path socket = tmp.resolve("real.sock");
        Path link = Files.createSymbolicLink(tmp.resolve("link.sock"), socket);
        try (CountingServer server = CountingServer.start(UnixSocketAddress.ofPath(socket)))
        {
            OkHttpClient strict = UnixOkHttpClients.newClient(UnixSocketAddress.ofPath(link),
                UnixClientOptions.builder().serverIdentity(ServerIdentityCheck.sameUser()).build());
            Throwable failure = assertThrows(SocketFileException.class, () -> OkHttpClientTest.get(strict, "http://localhost/"));
            assertEquals(SocketFileException.Problem.SYMBOLIC_LINK, ((SocketFileException)failure).problem());
            assertEquals(0, server.accepted());

            OkHttpClient lenient = UnixOkHttpClients.newClient(UnixSocketAddress.ofPath(link),
                UnixClientOptions.builder().serverIdentity(ServerIdentityCheck.sameUser().allowLinks()).build());
            assertEquals("hello", OkHttpClientTest.get(lenient, "http://localhost/"));
            assertEquals(1, server.accepted());
        }
    }

    private static int otherUid()
    {
        return NativeEdge.effectiveUid() == Run.OTHER_UID ? Run.OTHER_UID - 1 : Run.OTHER_UID;
    }

    /**
     * Runs {@code clients} against the squatter listening on {@code socket} (a path, or {@code @name}).
     *
     * @param dir         where the squatter's script and stop file go (open to the other user if it runs as them)
     * @param asOtherUser run the squatter as {@link Run#OTHER_UID} (needs root)
     * @return what the squatter counted: {@code connections=N bytes=M}
     */
    private static String countedBySquatter(Path dir, String socket, boolean asOtherUser, Executable clients) throws Throwable
    {
        Path script = dir.resolve("squatter.py");
        try (InputStream in = OkHttpServerIdentityTest.class.getResourceAsStream("/clients/squatter.py"))
        {
            Files.copy(in, script);
        }
        Path stop = dir.resolve("stop");
        List<String> command = List.of("/usr/bin/python3", script.toString(), socket, stop.toString());
        Process squatter = new ProcessBuilder(asOtherUser ? Run.asOtherUser(command) : command)
            .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader output = new BufferedReader(new InputStreamReader(squatter.getInputStream())))
        {
            assertEquals("LISTENING", output.readLine());
            clients.execute();
            Files.createFile(stop);
            String counts = output.readLine();
            assertTrue(squatter.waitFor(30, TimeUnit.SECONDS), "the squatter did not stop");
            return counts;
        }
        finally
        {
            squatter.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static ServerIdentityException assertRefusedForIdentity(Executable call)
    {
        Throwable failure = assertThrows(Exception.class, call);
        Throwable cause = failure;
        while (cause != null && !(cause instanceof ServerIdentityException))
            cause = cause.getCause();
        assertTrue(cause instanceof ServerIdentityException && !(cause instanceof SocketFileException), "not refused for identity: " + failure);
        return (ServerIdentityException)cause;
    }
}
