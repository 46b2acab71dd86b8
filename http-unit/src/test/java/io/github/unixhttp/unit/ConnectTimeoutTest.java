package io.github.unixhttp.unit;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.core.internal.ListeningSocket;
import io.github.unixhttp.core.internal.nativeedge.NativeCallException;
import io.github.unixhttp.core.internal.nativeedge.NativeEdge;
import io.github.unixhttp.unit.apache.UnixHttpAsyncClients;
import io.github.unixhttp.unit.apache.UnixHttpClients;
import io.github.unixhttp.unit.jetty.JettyUnixClients;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Against a server whose backlog is full, each client keeps trying for its connect timeout (a non-blocking connect
 * to a Unix socket fails at once with EAGAIN, where TCP would wait), then gives up with a timeout that says why; and
 * if the server takes connections again within the timeout, the request goes through.
 */
class ConnectTimeoutTest
{
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    // Far under the 30 s a client without a connect timeout would hang for (the request timeout), and roomy enough
    // for class loading on a loaded machine.
    private static final long ALLOWED_MILLIS = 10_000;
    private static final UnixClientOptions OPTIONS = UnixClientOptions.builder().connectTimeout(TIMEOUT).build();
    private static final UnixClientOptions PATIENT = UnixClientOptions.builder().connectTimeout(Duration.ofSeconds(30)).build();

    @TempDir
    Path tmp;
    private ServerSocketChannel stuck;
    private final List<SocketChannel> queued = new ArrayList<>();
    private int waiting;
    private UnixSocketAddress address;

    @BeforeEach
    void fillTheBacklog() throws Exception
    {
        Path socket = tmp.resolve("stuck.sock");
        stuck = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        stuck.bind(UnixDomainSocketAddress.of(socket), 1);
        address = UnixSocketAddress.ofPath(socket);
        try
        {
            for (int i = 0; i < 100; i++)
            {
                SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                queued.add(channel);
                channel.configureBlocking(false);
                channel.connect(UnixDomainSocketAddress.of(socket));
                waiting++;
            }
            throw new AssertionError("the backlog never filled");
        }
        catch (IOException full)
        {
            // EAGAIN: the backlog is full, as wanted
        }
    }

    @AfterEach
    void release() throws Exception
    {
        for (SocketChannel channel : queued)
            channel.close();
        stuck.close();
    }

    @Test
    void classicClientWaitsOutItsTimeout() throws Exception
    {
        try (CloseableHttpClient client = UnixHttpClients.custom(address, OPTIONS).build())
        {
            assertGivesUpAfterTheTimeout("classic", () -> client.execute(new HttpGet("http://localhost/"), response -> null));
        }
    }

    @Test
    void asyncClientWaitsOutItsTimeout() throws Exception
    {
        try (CloseableHttpAsyncClient client = UnixHttpAsyncClients.custom(address, OPTIONS).build())
        {
            client.start();
            assertGivesUpAfterTheTimeout("async", () -> client.execute(SimpleRequestBuilder.get("http://localhost/").build(), null)
                .get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void jettyClientWaitsOutItsTimeout() throws Exception
    {
        HttpClient client = JettyUnixClients.newHttpClient(OPTIONS);
        client.start();
        try
        {
            assertGivesUpAfterTheTimeout("jetty", () -> client.newRequest("http://localhost/")
                .transport(JettyUnixClients.transport(address, OPTIONS)).timeout(30, TimeUnit.SECONDS).send());
        }
        finally
        {
            client.stop();
        }
    }

    @Test
    void classicClientGetsThroughWhenTheBacklogDrains() throws Exception
    {
        try (CloseableHttpClient client = UnixHttpClients.custom(address, PATIENT).build())
        {
            assertGetsThroughAfterDraining(() -> client.execute(new HttpGet("http://localhost/"),
                response -> EntityUtils.toString(response.getEntity())));
        }
    }

    @Test
    void asyncClientGetsThroughWhenTheBacklogDrains() throws Exception
    {
        try (CloseableHttpAsyncClient client = UnixHttpAsyncClients.custom(address, PATIENT).build())
        {
            client.start();
            assertGetsThroughAfterDraining(() -> client.execute(SimpleRequestBuilder.get("http://localhost/").build(), null)
                .get(30, TimeUnit.SECONDS).getBodyText());
        }
    }

    @Test
    void jettyClientGetsThroughWhenTheBacklogDrains() throws Exception
    {
        HttpClient client = JettyUnixClients.newHttpClient(PATIENT);
        client.start();
        try
        {
            assertGetsThroughAfterDraining(() -> client.newRequest("http://localhost/")
                .transport(JettyUnixClients.transport(address, PATIENT)).timeout(30, TimeUnit.SECONDS).send().getContentAsString());
        }
        finally
        {
            client.stop();
        }
    }

    /**
     * While the backlog is full, the socket file is swapped (atomically, by rename) for a link to a live server of
     * the same user: the clients look at the file again before each attempt, and refuse the link rather than
     * follow it on a retry.
     */
    @Test
    void asyncAndJettyClientsLookAtTheFileBeforeEveryAttempt() throws Exception
    {
        // The portable layer looks by path, then connects by path: a swap between the two is followed, as
        // docs/security.md says ("The clients' link check can be raced"); CI's portable pass once hit that window.
        Requirements.requireLinuxLayer("connecting through the checked file (O_PATH, /proc/self/fd): the portable layer checks by path, then connects by path");
        Path socket = address.path();
        Path elsewhere = tmp.resolve("elsewhere.sock");
        UnixClientOptions checked = UnixClientOptions.builder().connectTimeout(Duration.ofSeconds(30))
            .serverIdentity(ServerIdentityCheck.sameUser()).build();
        try (io.github.unixhttp.testing.TestServer other = io.github.unixhttp.testing.TestServer.start(elsewhere);
             CloseableHttpAsyncClient async = UnixHttpAsyncClients.custom(address, checked).build())
        {
            async.start();
            HttpClient jetty = JettyUnixClients.newHttpClient(checked);
            jetty.start();
            try
            {
                java.util.concurrent.Future<?> asyncResponse = async.execute(SimpleRequestBuilder.get("http://localhost/").build(), null);
                CompletableFuture<?> jettyResponse = new org.eclipse.jetty.client.CompletableResponseListener(jetty.newRequest("http://localhost/")
                    .transport(JettyUnixClients.transport(address, checked)).timeout(30, TimeUnit.SECONDS)).send();
                Thread.sleep(300);
                assertFalse(asyncResponse.isDone() || jettyResponse.isDone(), "a client did not wait on the full backlog");
                Path link = tmp.resolve("link");
                java.nio.file.Files.createSymbolicLink(link, elsewhere);
                java.nio.file.Files.move(link, socket, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                assertRefusedAsALink(() -> asyncResponse.get(30, TimeUnit.SECONDS));
                assertRefusedAsALink(() -> jettyResponse.get(30, TimeUnit.SECONDS));
                assertEquals(0, other.handler().handled(), "a retry followed the link to another server");
            }
            finally
            {
                jetty.stop();
            }
        }
    }

    private static void assertRefusedAsALink(org.junit.jupiter.api.function.Executable request)
    {
        Throwable failure = assertThrows(Exception.class, request);
        Throwable cause = failure;
        while (cause != null && !(cause instanceof SocketFileException))
            cause = cause.getCause();
        assertTrue(cause instanceof SocketFileException, "not refused by the look at the file: " + failure);
    }

    @Test
    void jettyClientWaitsOutItsTimeoutOnAnAbstractName() throws Exception
    {
        Requirements.requireLinuxLayer("abstract names");
        try (FullAbstractBacklog full = FullAbstractBacklog.open())
        {
            HttpClient client = JettyUnixClients.newHttpClient(OPTIONS);
            client.start();
            try
            {
                assertGivesUpAfterTheTimeout("jetty @name", () -> client.newRequest("http://localhost/")
                    .transport(JettyUnixClients.transport(full.address(), OPTIONS)).timeout(30, TimeUnit.SECONDS).send());
            }
            finally
            {
                client.stop();
            }
        }
    }

    @Test
    void jettyClientGetsThroughOnAnAbstractNameWhenTheBacklogDrains() throws Exception
    {
        Requirements.requireLinuxLayer("abstract names");
        try (FullAbstractBacklog full = FullAbstractBacklog.open())
        {
            HttpClient client = JettyUnixClients.newHttpClient(PATIENT);
            client.start();
            try
            {
                assertGetsThroughAfterDraining(() -> client.newRequest("http://localhost/")
                    .transport(JettyUnixClients.transport(full.address(), PATIENT)).timeout(30, TimeUnit.SECONDS).send()
                    .getContentAsString(), full.listening()::accept, full.waiting());
            }
            finally
            {
                client.stop();
            }
        }
    }

    /** A server on an abstract name that never accepts, its backlog filled by clients. */
    private record FullAbstractBacklog(UnixSocketAddress address, ListeningSocket listening, List<SocketChannel> queued, int waiting)
        implements AutoCloseable
    {
        static FullAbstractBacklog open() throws IOException
        {
            String name = "unixhttp-backlog-" + UUID.randomUUID();
            ListeningSocket listening = NativeEdge.bindAbstractName(name, 1);
            List<SocketChannel> queued = new ArrayList<>();
            for (int i = 0; i < 100; i++)
            {
                try
                {
                    queued.add(NativeEdge.connectAbstractName(name));
                }
                catch (NativeCallException full)
                {
                    if (full.errno() != NativeCallException.EAGAIN)
                        throw full;
                    return new FullAbstractBacklog(UnixSocketAddress.ofAbstractName(name), listening, queued, i);
                }
            }
            throw new AssertionError("the backlog never filled");
        }

        @Override
        public void close() throws IOException
        {
            for (SocketChannel channel : queued)
                channel.close();
            listening.close();
        }
    }

    private static void assertGivesUpAfterTheTimeout(String client, org.junit.jupiter.api.function.Executable request)
    {
        long start = System.nanoTime();
        Throwable failure = assertThrows(Exception.class, request);
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println(client + " client against a full backlog: gave up after " + elapsed + " ms with " + failure);
        assertTrue(hasTimeoutCause(failure), client + " failed otherwise than by its connect timeout: " + failure);
        assertTrue(elapsed >= TIMEOUT.toMillis() - 50, client + " gave up after " + elapsed + " ms, before its timeout");
        assertTrue(elapsed < ALLOWED_MILLIS, client + " took " + elapsed + " ms: " + failure);
    }

    private static boolean hasTimeoutCause(Throwable failure)
    {
        for (Throwable cause = failure; cause != null; cause = cause.getCause())
        {
            if (cause instanceof SocketTimeoutException && cause.getMessage().contains("backlog is full"))
                return true;
        }
        return false;
    }

    /**
     * Sends the request while the backlog is full, lets the client retry for a while, then accepts the connections
     * that filled the backlog (they came first) and serves the next one: the client's.
     */
    private void assertGetsThroughAfterDraining(Callable<String> request) throws Exception
    {
        assertGetsThroughAfterDraining(request, stuck::accept, waiting);
    }

    private static void assertGetsThroughAfterDraining(Callable<String> request, BacklogDrain.Acceptor server, int waiting) throws Exception
    {
        CompletableFuture<String> response = CompletableFuture.supplyAsync(() ->
        {
            try
            {
                return request.call();
            }
            catch (Exception e)
            {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(300);
        assertFalse(response.isDone(), "the request ended while the backlog was full: " + response);
        BacklogDrain.answerTheClient(server, waiting);
        assertEquals(BacklogDrain.BODY, response.get(30, TimeUnit.SECONDS));
    }
}
