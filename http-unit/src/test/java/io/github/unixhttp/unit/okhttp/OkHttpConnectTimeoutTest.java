package io.github.unixhttp.unit.okhttp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.core.internal.ListeningSocket;
import io.github.unixhttp.core.internal.nativeedge.NativeCallException;
import io.github.unixhttp.core.internal.nativeedge.NativeEdge;
import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.unit.BacklogDrain;
import io.github.unixhttp.unit.UnixClientOptions;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Against a server whose backlog is full, the OkHttp client keeps trying for its connect timeout, as a TCP connect
 * waits (a non-blocking connect to a Unix socket fails at once with EAGAIN), then gives up with a
 * {@link SocketTimeoutException}, after one attempt as OkHttp counts them; and if the server takes connections again
 * within the timeout, the request goes through. As {@code ConnectTimeoutTest} does for the other clients.
 */
class OkHttpConnectTimeoutTest
{
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    // Far under what a client without a connect timeout would hang for, and roomy for class loading on a loaded machine.
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
    void aFullBacklogIsWaitedOutForTheConnectTimeout() throws Exception
    {
        AtomicInteger attempts = new AtomicInteger();
        OkHttpClient client = UnixOkHttpClients.builder(address, OPTIONS).eventListener(countingConnects(attempts)).build();
        assertEquals(TIMEOUT.toMillis(), client.connectTimeoutMillis());
        assertGivesUpAfter(TIMEOUT, () -> OkHttpClientTest.get(client, "http://localhost/"));
        assertEquals(1, attempts.get(), "OkHttp tried the one route more than once");
    }

    /** A call's own connect timeout ({@code Interceptor.Chain.withConnectTimeout}) is the one the socket waits for. */
    @Test
    void aCallsOwnConnectTimeoutIsHonoured() throws Exception
    {
        Duration longer = Duration.ofMillis(1500);
        OkHttpClient client = UnixOkHttpClients.builder(address, OPTIONS)
            .addInterceptor(chain -> chain.withConnectTimeout((int)longer.toMillis(), TimeUnit.MILLISECONDS).proceed(chain.request()))
            .build();
        assertGivesUpAfter(longer, () -> OkHttpClientTest.get(client, "http://localhost/"));
    }

    @Test
    void theRequestGoesThroughWhenTheBacklogDrains() throws Exception
    {
        OkHttpClient client = UnixOkHttpClients.newClient(address, PATIENT);
        CompletableFuture<String> response = CompletableFuture.supplyAsync(() ->
        {
            try
            {
                return OkHttpClientTest.get(client, "http://localhost/");
            }
            catch (IOException e)
            {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(300);
        assertFalse(response.isDone(), "the request ended while the backlog was full: " + response);
        BacklogDrain.answerTheClient(stuck::accept, waiting);
        assertEquals(BacklogDrain.BODY, response.get(30, TimeUnit.SECONDS));
    }

    @Test
    void aFullBacklogOnAnAbstractNameIsWaitedOutToo() throws Exception
    {
        Requirements.requireLinuxLayer("abstract names");
        String name = "unixhttp-okhttp-backlog-" + UUID.randomUUID();
        List<SocketChannel> fillers = new ArrayList<>();
        try (ListeningSocket listening = NativeEdge.bindAbstractName(name, 1))
        {
            try
            {
                for (int i = 0; i < 100; i++)
                    fillers.add(NativeEdge.connectAbstractName(name));
                throw new AssertionError("the backlog never filled");
            }
            catch (NativeCallException full)
            {
                assertEquals(NativeCallException.EAGAIN, full.errno(), full.toString());
            }
            // The default check of an abstract name (this user or root) is never reached: nothing is accepted.
            OkHttpClient client = UnixOkHttpClients.newClient(UnixSocketAddress.ofAbstractName(name), OPTIONS);
            assertGivesUpAfter(TIMEOUT, () -> OkHttpClientTest.get(client, "http://localhost/"));
        }
        finally
        {
            for (SocketChannel filler : fillers)
                filler.close();
        }
    }

    private static EventListener countingConnects(AtomicInteger attempts)
    {
        return new EventListener()
        {
            @Override
            public void connectStart(Call call, InetSocketAddress inetSocketAddress, Proxy proxy)
            {
                attempts.incrementAndGet();
            }
        };
    }

    private static void assertGivesUpAfter(Duration timeout, org.junit.jupiter.api.function.Executable call)
    {
        long start = System.nanoTime();
        Throwable failure = assertThrows(IOException.class, call);
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println("OkHttp client against a full backlog: gave up after " + elapsed + " ms with " + failure);
        assertInstanceOf(SocketTimeoutException.class, failure, "failed otherwise than by its connect timeout");
        assertTrue(elapsed >= timeout.toMillis() - 50, "gave up after " + elapsed + " ms, before its timeout");
        assertTrue(elapsed < ALLOWED_MILLIS, "took " + elapsed + " ms: " + failure);
    }
}
