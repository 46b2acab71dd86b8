package io.github.unixhttp.unit;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.unit.apache.UnixHttpAsyncClients;
import io.github.unixhttp.unit.apache.UnixHttpClients;
import io.github.unixhttp.unit.jetty.JettyUnixClients;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Against a server that never accepts and whose backlog is full, each client gives up within its connect timeout.
 */
class ConnectTimeoutTest
{
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    // Far under the 30 s a client without a connect timeout would hang for (the request timeout), and roomy enough
    // for class loading on a loaded machine.
    private static final long ALLOWED_MILLIS = 10_000;
    private static final UnixClientOptions OPTIONS = UnixClientOptions.builder().connectTimeout(TIMEOUT).build();

    @TempDir
    Path tmp;
    private ServerSocketChannel stuck;
    private final List<SocketChannel> queued = new ArrayList<>();
    private UnixEndpoint endpoint;

    @BeforeEach
    void fillTheBacklog() throws Exception
    {
        Path socket = tmp.resolve("stuck.sock");
        stuck = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        stuck.bind(UnixDomainSocketAddress.of(socket), 1);
        endpoint = UnixEndpoint.ofPath(socket);
        try
        {
            for (int i = 0; i < 100; i++)
            {
                SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                queued.add(channel);
                channel.configureBlocking(false);
                channel.connect(UnixDomainSocketAddress.of(socket));
            }
            throw new AssertionError("the backlog never filled");
        }
        catch (java.io.IOException full)
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
    void classicClientTimesOut() throws Exception
    {
        try (CloseableHttpClient client = UnixHttpClients.custom(endpoint, OPTIONS).build())
        {
            long waited = assertGivesUpInTime("classic", () -> client.execute(new HttpGet("http://localhost/"), response -> null));
            // Ours retries while the backlog is full, so it waits out the timeout rather than failing at once.
            assertTrue(waited >= TIMEOUT.toMillis() - 50, "classic gave up after " + waited + " ms, before its timeout");
        }
    }

    @Test
    void asyncClientGivesUpInTime() throws Exception
    {
        try (CloseableHttpAsyncClient client = UnixHttpAsyncClients.custom(endpoint, OPTIONS).build())
        {
            client.start();
            assertGivesUpInTime("async", () -> client.execute(SimpleRequestBuilder.get("http://localhost/").build(), null).get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void jettyClientGivesUpInTime() throws Exception
    {
        HttpClient client = JettyUnixClients.newHttpClient(OPTIONS);
        client.start();
        try
        {
            assertGivesUpInTime("jetty", () -> client.newRequest("http://localhost/").transport(JettyUnixClients.transport(endpoint, OPTIONS))
                .timeout(30, TimeUnit.SECONDS).send());
        }
        finally
        {
            client.stop();
        }
    }

    /** The async client and Jetty's fail at once on EAGAIN ("Resource temporarily unavailable"): within time, too. */
    private static long assertGivesUpInTime(String client, Executable request)
    {
        long start = System.nanoTime();
        Throwable failure = assertThrows(Exception.class, request);
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println(client + " client against a full backlog: gave up after " + elapsed + " ms with " + failure);
        assertTrue(elapsed < ALLOWED_MILLIS, client + " took " + elapsed + " ms: " + failure);
        return elapsed;
    }
}
