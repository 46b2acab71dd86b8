package io.github.unixhttp.unit;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.core.internal.nativeedge.NativeEdge;
import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import io.github.unixhttp.testing.TestServer;
import io.github.unixhttp.unit.apache.UnixHttpAsyncClients;
import io.github.unixhttp.unit.apache.UnixHttpClients;
import io.github.unixhttp.unit.jetty.JettyUnixClients;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client-side check of who serves a socket: a squatter running as another user gets the connection but not a
 * single byte of the request; the right server passes. Before connecting, the socket path itself is looked at: a
 * symbolic link (unless allowed), something that is not a socket, or a socket file of the wrong owner is refused,
 * by each client.
 */
class ServerIdentityCheckTest
{
    private static final UnixClientOptions ROOT_ONLY = UnixClientOptions.builder().serverIdentity(ServerIdentityCheck.uid(0)).build();

    @TempDir
    Path tmp;

    @Test
    void eachClientRefusesASquatterBeforeWritingAByte() throws Exception
    {
        Requirements.requireRoot();
        Path shared = Files.createDirectory(Run.openToOthers(tmp).resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path socket = shared.resolve("daemon.sock");
        Path stop = shared.resolve("stop");
        Path script = shared.resolve("squatter.py");
        try (var in = getClass().getResourceAsStream("/clients/squatter.py"))
        {
            Files.copy(in, script);
        }
        Process squatter = new ProcessBuilder(Run.asOtherUser(List.of("/usr/bin/python3", script.toString(), socket.toString(), stop.toString())))
            .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader output = new BufferedReader(new InputStreamReader(squatter.getInputStream())))
        {
            assertEquals("LISTENING", output.readLine());
            UnixSocketAddress address = UnixSocketAddress.ofPath(socket);

            try (CloseableHttpClient classic = UnixHttpClients.custom(address, ROOT_ONLY).build())
            {
                assertRefusedSquatter(() -> classic.execute(new HttpGet("http://localhost/secret"), response -> null));
            }
            try (CloseableHttpAsyncClient async = UnixHttpAsyncClients.custom(address, ROOT_ONLY).build())
            {
                async.start();
                assertRefusedSquatter(() -> async.execute(SimpleRequestBuilder.get("http://localhost/secret").build(), null)
                    .get(30, TimeUnit.SECONDS));
            }
            HttpClient jetty = JettyUnixClients.newHttpClient(ROOT_ONLY);
            jetty.start();
            try
            {
                assertRefusedSquatter(() -> jetty.newRequest("http://localhost/secret")
                    .transport(JettyUnixClients.transport(address, ROOT_ONLY)).timeout(30, TimeUnit.SECONDS).send());
            }
            finally
            {
                jetty.stop();
            }

            Files.createFile(stop);
            String counts = output.readLine();
            System.out.println("Squatter saw: " + counts);
            // One connection from each client: a refusal is not retried.
            assertEquals("connections=3 bytes=0", counts, "the squatter got request bytes, or a refused connect was retried");
        }
        finally
        {
            squatter.destroyForcibly();
        }
    }

    @Test
    void theRightServerPassesTheCheck() throws Exception
    {
        Path socket = tmp.resolve("app.sock");
        UnixClientOptions sameUser = UnixClientOptions.builder().serverIdentity(ServerIdentityCheck.sameUser()).build();
        try (TestServer server = TestServer.start(socket);
             CloseableHttpClient classic = UnixHttpClients.custom(UnixSocketAddress.ofPath(socket), sameUser).build();
             CloseableHttpAsyncClient async = UnixHttpAsyncClients.custom(UnixSocketAddress.ofPath(socket), sameUser).build())
        {
            assertEquals("hello", classic.execute(new HttpGet("http://localhost/"), response -> EntityUtils.toString(response.getEntity())));
            async.start();
            assertEquals("hello", async.execute(SimpleRequestBuilder.get("http://localhost/").build(), null).get(30, TimeUnit.SECONDS).getBodyText());
            HttpClient jetty = JettyUnixClients.newHttpClient(sameUser);
            jetty.start();
            try
            {
                assertEquals("hello", jetty.newRequest("http://localhost/").transport(JettyUnixClients.transport(UnixSocketAddress.ofPath(socket), sameUser))
                    .send().getContentAsString());
            }
            finally
            {
                jetty.stop();
            }
            assertEquals(3, server.handler().handled());
        }
    }

    @Test
    void aSymlinkToALiveSocketIsRefusedUnlessLinksAreAllowed() throws Throwable
    {
        Path socket = tmp.resolve("real.sock");
        Path link = Files.createSymbolicLink(tmp.resolve("link.sock"), socket);
        ServerIdentityCheck sameUser = ServerIdentityCheck.sameUser();
        try (TestServer server = TestServer.start(socket))
        {
            for (Executable request : requestsFromEachClient(UnixSocketAddress.ofPath(link), options(sameUser)))
            {
                SocketFileException refusal = assertRefusedFile(request, SocketFileException.Problem.SYMBOLIC_LINK, link);
                assertTrue(refusal.getMessage().contains("symbolic link (to " + socket + ")") &&
                    refusal.getMessage().contains("ServerIdentityCheck.allowLinks()"), refusal.getMessage());
            }
            assertEquals(0, server.handler().handled(), "a request went through the link");

            for (Executable request : requestsFromEachClient(UnixSocketAddress.ofPath(link), options(sameUser.allowLinks())))
                request.execute();
            assertEquals(3, server.handler().handled());
        }
    }

    @Test
    void aRegularFileOrAFifoAtThePathIsRefusedNamingWhatIsThere() throws Exception
    {
        Requirements.requireCommand("mkfifo");
        Path file = Files.writeString(tmp.resolve("file.sock"), "not a socket");
        Path fifo = tmp.resolve("fifo.sock");
        Run.run(Duration.ofSeconds(10), "mkfifo", fifo.toString()).requireSuccess();
        Path linkToFile = Files.createSymbolicLink(tmp.resolve("link.sock"), file);
        UnixClientOptions sameUser = options(ServerIdentityCheck.sameUser());
        for (Executable request : requestsFromEachClient(UnixSocketAddress.ofPath(file), sameUser))
            assertTrue(assertRefusedFile(request, SocketFileException.Problem.NOT_A_SOCKET, file).getMessage().contains("a regular file, not a socket"));
        for (Executable request : requestsFromEachClient(UnixSocketAddress.ofPath(fifo), sameUser))
            assertTrue(assertRefusedFile(request, SocketFileException.Problem.NOT_A_SOCKET, fifo).getMessage().contains("a FIFO"));
        for (Executable request : requestsFromEachClient(UnixSocketAddress.ofPath(linkToFile), options(ServerIdentityCheck.sameUser().allowLinks())))
        {
            String message = assertRefusedFile(request, SocketFileException.Problem.NOT_A_SOCKET, linkToFile).getMessage();
            assertTrue(message.contains("a symbolic link to " + file + ", which is a regular file"), message);
        }
    }

    /** The server runs as root, as the check requires; its socket file was handed to another user. */
    @Test
    void aSocketFileOfAnotherOwnerIsRefusedWhenAnOwnerIsRequired() throws Throwable
    {
        Requirements.requireRoot();
        Path socket = tmp.resolve("app.sock");
        try (TestServer server = TestServer.start(socket))
        {
            Files.setAttribute(socket, "unix:uid", Run.OTHER_UID, LinkOption.NOFOLLOW_LINKS);
            for (Executable request : requestsFromEachClient(UnixSocketAddress.ofPath(socket), options(ServerIdentityCheck.uid(0).requireFileOwner(0))))
            {
                String message = assertRefusedFile(request, SocketFileException.Problem.WRONG_OWNER, socket).getMessage();
                assertTrue(message.contains("owned by uid " + Run.OTHER_UID) && message.contains("to be uid 0"), message);
            }
            assertEquals(0, server.handler().handled());

            for (Executable request : requestsFromEachClient(UnixSocketAddress.ofPath(socket),
                options(ServerIdentityCheck.uid(0).requireFileOwner(Run.OTHER_UID))))
                request.execute();
            assertEquals(3, server.handler().handled());
        }
    }

    /**
     * A refusal is final: HttpClient's default retry strategy would otherwise connect a second time to the server it
     * just refused. The squatter runs as this user, and the check requires another.
     */
    @Test
    void aFailedIdentityCheckMakesExactlyOneConnection() throws Throwable
    {
        Requirements.requireCommand("python3");
        UnixClientOptions someoneElse = options(ServerIdentityCheck.uid(otherUid()));
        List<String> clients = List.of("classic", "async", "jetty");
        List<String> counted = new ArrayList<>();
        for (int client = 0; client < clients.size(); client++)
        {
            Path dir = Files.createDirectory(tmp.resolve("squatter-" + client));
            Executable request = requestsFromEachClient(UnixSocketAddress.ofPath(dir.resolve("daemon.sock")), someoneElse).get(client);
            counted.add(clients.get(client) + ": " + countedBySquatter(dir, () -> assertRefusedForIdentity(request)));
        }
        assertEquals(List.of("classic: connections=1 bytes=0", "async: connections=1 bytes=0", "jetty: connections=1 bytes=0"), counted);
    }

    /** A refusal before connecting is final too: each Apache client looks at the file, and connects, once. */
    @Test
    void aRefusedSocketFileIsNotRetried() throws Throwable
    {
        Requirements.requireCommand("python3");
        UnixClientOptions ownedByAnother = options(ServerIdentityCheck.none().requireFileOwner(otherUid()));
        Path dir = Files.createDirectory(tmp.resolve("squatter"));
        UnixSocketAddress address = UnixSocketAddress.ofPath(dir.resolve("daemon.sock"));
        AtomicInteger classicAttempts = new AtomicInteger();
        AtomicInteger asyncAttempts = new AtomicInteger();
        String counts = countedBySquatter(dir, () ->
        {
            try (CloseableHttpClient classic = UnixHttpClients.custom(address, ownedByAnother)
                .addExecInterceptorAfter(ChainElement.RETRY.name(), "count", (request, scope, chain) ->
                {
                    classicAttempts.incrementAndGet();
                    return chain.proceed(request, scope);
                }).build())
            {
                assertRefusedFile(() -> classic.execute(new HttpGet("http://localhost/"), response -> null),
                    SocketFileException.Problem.WRONG_OWNER, address.path());
            }
            try (CloseableHttpAsyncClient async = UnixHttpAsyncClients.custom(address, ownedByAnother)
                .addExecInterceptorAfter(ChainElement.RETRY.name(), "count", (request, entity, scope, chain, callback) ->
                {
                    asyncAttempts.incrementAndGet();
                    chain.proceed(request, entity, scope, callback);
                }).build())
            {
                async.start();
                assertRefusedFile(() -> async.execute(SimpleRequestBuilder.get("http://localhost/").build(), null).get(30, TimeUnit.SECONDS),
                    SocketFileException.Problem.WRONG_OWNER, address.path());
            }
        });
        assertEquals("classic 1, async 1, connections=0 bytes=0", "classic " + classicAttempts + ", async " + asyncAttempts + ", " + counts);
    }

    private static int otherUid()
    {
        return NativeEdge.effectiveUid() == Run.OTHER_UID ? Run.OTHER_UID - 1 : Run.OTHER_UID;
    }

    private Path squatterScript() throws Exception
    {
        Path script = tmp.resolve("squatter.py");
        if (!Files.exists(script))
        {
            try (var in = getClass().getResourceAsStream("/clients/squatter.py"))
            {
                Files.copy(in, script);
            }
        }
        return script;
    }

    /**
     * Runs {@code clients} against the squatter (as this user) listening on {@code dir/daemon.sock}.
     *
     * @return what the squatter counted: {@code connections=N bytes=M}
     */
    private String countedBySquatter(Path dir, Executable clients) throws Throwable
    {
        Path stop = dir.resolve("stop");
        Process squatter = new ProcessBuilder("python3", squatterScript().toString(), dir.resolve("daemon.sock").toString(), stop.toString())
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
            stopProcess(squatter);
        }
    }

    private static void stopProcess(Process process) throws InterruptedException
    {
        if (!process.isAlive())
            return;
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS))
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /**
     * An abstract name has no file permissions: another user can listen on it first. By default the clients then
     * refuse the server (it is neither their user nor root), naming the opt-out; with that opt-out, none(), they talk
     * to it.
     */
    @Test
    void clientsOfAnAbstractNameRefuseAnotherUsersServerUnlessTheyOptOut() throws Exception
    {
        Requirements.requireLinuxLayer("abstract names");
        Requirements.requireRoot();
        Path dir = Run.openToOthers(tmp);
        Path stop = dir.resolve("stop");
        String name = "unixhttp-squat-" + java.util.UUID.randomUUID();
        Process squatter = new ProcessBuilder(Run.asOtherUser(List.of("/usr/bin/python3", squatterScript().toString(), "@" + name, stop.toString())))
            .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader output = new BufferedReader(new InputStreamReader(squatter.getInputStream())))
        {
            assertEquals("LISTENING", output.readLine());
            UnixSocketAddress address = UnixSocketAddress.ofAbstractName(name);
            try (CloseableHttpClient classic = UnixHttpClients.create(address))
            {
                ServerIdentityException refused = refusal(() -> classic.execute(new HttpGet("http://localhost/secret"), response -> null));
                assertEquals(Run.OTHER_UID, refused.server().uid());
                assertTrue(refused.getMessage().contains("serverIdentity(ServerIdentityCheck.none())"), refused.getMessage());
            }
            HttpClient jetty = JettyUnixClients.newHttpClient(address, UnixClientOptions.defaults());
            jetty.start();
            try
            {
                refusal(() -> jetty.newRequest("http://localhost/secret").timeout(30, TimeUnit.SECONDS).send());
                // The default transport of an any-socket client too.
                HttpClient anySocket = JettyUnixClients.newHttpClient(UnixClientOptions.defaults());
                anySocket.start();
                try
                {
                    refusal(() -> anySocket.newRequest("http://localhost/secret").transport(JettyUnixClients.transport(address))
                        .timeout(30, TimeUnit.SECONDS).send());
                }
                finally
                {
                    anySocket.stop();
                }
            }
            finally
            {
                jetty.stop();
            }
            // The explicit opt-out: the request goes out (the squatter never answers, so it times out).
            UnixClientOptions anyServer = options(ServerIdentityCheck.none());
            try (CloseableHttpClient classic = UnixHttpClients.custom(address, anyServer)
                .setDefaultRequestConfig(org.apache.hc.client5.http.config.RequestConfig.custom()
                    .setResponseTimeout(org.apache.hc.core5.util.Timeout.ofMilliseconds(500)).build()).build())
            {
                Throwable failure = assertThrows(java.net.SocketTimeoutException.class,
                    () -> classic.execute(new HttpGet("http://localhost/secret"), response -> null));
                assertFalse(failure instanceof ServerIdentityException, failure.toString());
            }
            Files.createFile(stop);
            String counts = output.readLine();
            assertTrue(counts.startsWith("connections=4 ") && !counts.endsWith(" bytes=0"), "the squatter saw " + counts +
                ": three refused connections without a byte and one request were expected");
        }
        finally
        {
            stopProcess(squatter);
        }
    }

    private static ServerIdentityException refusal(Executable request)
    {
        Throwable failure = assertThrows(Exception.class, request);
        Throwable cause = failure;
        while (cause != null && !(cause instanceof ServerIdentityException))
            cause = cause.getCause();
        assertTrue(cause instanceof ServerIdentityException && !(cause instanceof SocketFileException), "not refused for identity: " + failure);
        return (ServerIdentityException)cause;
    }

    @Test
    void checksOfTheSameRequirementsAreEqual()
    {
        assertEquals(ServerIdentityCheck.uid(0).requireFileOwner(7).allowLinks(), ServerIdentityCheck.uid(0).allowLinks().requireFileOwner(7));
        assertNotEquals(ServerIdentityCheck.uid(0), ServerIdentityCheck.uid(0).allowLinks());
        assertNotEquals(ServerIdentityCheck.uid(0), ServerIdentityCheck.uid(0).requireFileOwner(0));
        assertTrue(ServerIdentityCheck.none().allowLinks().isNone());
        assertFalse(ServerIdentityCheck.none().requireFileOwner(0).isNone());
        assertThrows(IllegalArgumentException.class, () -> ServerIdentityCheck.uid(0).requireFileOwner(-1));
        // The default is no explicit none(): for an abstract name it is the same user or root, for a file nothing.
        UnixClientOptions defaults = UnixClientOptions.defaults();
        assertEquals(ServerIdentityCheck.sameUserOrRoot(), defaults.serverIdentityFor(UnixSocketAddress.ofAbstractName("x")));
        assertEquals(ServerIdentityCheck.none(), defaults.serverIdentityFor(UnixSocketAddress.ofPath(Path.of("/run/x.sock"))));
        assertNotEquals(ServerIdentityCheck.none(), defaults.serverIdentity());
        assertEquals(ServerIdentityCheck.none(), options(ServerIdentityCheck.none()).serverIdentityFor(UnixSocketAddress.ofAbstractName("x")));
        // Allowing links on the default names no check of the server: an abstract name keeps its default.
        assertEquals(ServerIdentityCheck.sameUserOrRoot(),
            options(defaults.serverIdentity().allowLinks()).serverIdentityFor(UnixSocketAddress.ofAbstractName("x")));
    }

    private static UnixClientOptions options(ServerIdentityCheck check)
    {
        return UnixClientOptions.builder().serverIdentity(check).build();
    }

    /** One GET to {@code /} from each client, each on a client of its own that is closed afterwards. */
    private static List<Executable> requestsFromEachClient(UnixSocketAddress address, UnixClientOptions options)
    {
        return List.of(
            () ->
            {
                try (CloseableHttpClient classic = UnixHttpClients.custom(address, options).build())
                {
                    assertEquals("hello", classic.execute(new HttpGet("http://localhost/"), response -> EntityUtils.toString(response.getEntity())));
                }
            },
            () ->
            {
                try (CloseableHttpAsyncClient async = UnixHttpAsyncClients.custom(address, options).build())
                {
                    async.start();
                    assertEquals("hello", async.execute(SimpleRequestBuilder.get("http://localhost/").build(), null).get(30, TimeUnit.SECONDS)
                        .getBodyText());
                }
            },
            () ->
            {
                HttpClient jetty = JettyUnixClients.newHttpClient(options);
                jetty.start();
                try
                {
                    assertEquals("hello", jetty.newRequest("http://localhost/").transport(JettyUnixClients.transport(address, options))
                        .timeout(30, TimeUnit.SECONDS).send().getContentAsString());
                }
                finally
                {
                    jetty.stop();
                }
            });
    }

    private static SocketFileException assertRefusedFile(Executable request, SocketFileException.Problem problem, Path path)
    {
        Throwable failure = assertThrows(Exception.class, request);
        Throwable cause = failure;
        while (cause != null && !(cause instanceof SocketFileException))
            cause = cause.getCause();
        assertTrue(cause instanceof SocketFileException, "the socket file was not refused: " + failure);
        SocketFileException refusal = (SocketFileException)cause;
        assertEquals(problem, refusal.problem(), refusal.getMessage());
        assertEquals(path, refusal.path());
        assertTrue(refusal.getMessage().startsWith("Refusing to connect to unix:" + path + ": "), refusal.getMessage());
        return refusal;
    }

    private static void assertRefusedForIdentity(Executable request)
    {
        Throwable failure = assertThrows(Exception.class, request);
        Throwable cause = failure;
        while (cause != null && !(cause instanceof ServerIdentityException))
            cause = cause.getCause();
        assertTrue(cause instanceof ServerIdentityException && !(cause instanceof SocketFileException), "not refused for identity: " + failure);
    }

    private static void assertRefusedSquatter(Executable request)
    {
        Throwable failure = assertThrows(Exception.class, request);
        Throwable cause = failure;
        while (cause != null && !(cause instanceof ServerIdentityException))
            cause = cause.getCause();
        assertTrue(cause instanceof ServerIdentityException, "not refused for identity: " + failure);
        assertTrue(cause.getMessage().contains("uid=65534(nobody)") && cause.getMessage().contains("uid 0 is required"), cause.getMessage());
    }
}
