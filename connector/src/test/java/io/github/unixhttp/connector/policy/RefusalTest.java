package io.github.unixhttp.connector.policy;

import java.io.ByteArrayOutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.testing.Exchange;
import io.github.unixhttp.testing.LogCapture;
import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import io.github.unixhttp.testing.TestServer;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import io.github.unixhttp.connector.internal.policy.RefusalLog;
import io.github.unixhttp.connector.internal.policy.RefusalConnection;

/**
 * What a refused peer gets, and what the log gets. The policy here admits only uid 65534, so this JVM's own user
 * (whoever runs the build, as long as it is not nobody) is the refused peer.
 */
class RefusalTest
{
    private static final String TOLD = "Forbidden: " + RefusalConnection.MESSAGE + "\n";
    private static final long IDLE_TIMEOUT_MILLIS = 30_000;

    @TempDir
    Path tmp;
    TestServer server;
    LogCapture log;

    @BeforeEach
    void start() throws Exception
    {
        HttpConfiguration config = UnixSocketConnector.newHttpConfiguration();
        server = TestServer.start(tmp.resolve("refusing.sock"), connector ->
        {
            connector.setPeerPolicy(PeerPolicy.builder().allowUid(Run.OTHER_UID).build());
            connector.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
            // These tests hold hundreds of refused connections of one uid on purpose; the per-caller cap on them (16
            // by default) is RefusedFloodTest's subject.
            connector.setCallerLimits(io.github.unixhttp.connector.limits.CallerLimits.none());
        }, new HttpConnectionFactory(config), new HTTP2CServerConnectionFactory(config));
        log = LogCapture.start();
    }

    @AfterEach
    void stop() throws Exception
    {
        log.close();
        server.close();
    }

    /**
     * A refused peer that sends nothing, or a byte at a time, does not hold its descriptor for the connector's idle
     * timeout (30 s here): silent ones go after about 2 s, a trickle after about 5 s.
     */
    @Test
    void silentAndTricklingRefusedPeersAreClosedLongBeforeTheIdleTimeout() throws Exception
    {
        java.util.List<SocketChannel> silent = new java.util.ArrayList<>();
        try (SocketChannel trickle = SocketChannel.open(StandardProtocolFamily.UNIX))
        {
            for (int i = 0; i < 200; i++)
            {
                SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                silent.add(channel);
                channel.connect(UnixDomainSocketAddress.of(server.socket()));
            }
            trickle.connect(UnixDomainSocketAddress.of(server.socket()));
            long start = System.nanoTime();
            // Counted as refused once accepted: all of them, though a silent one accepted 2 s before the last may
            // already be gone again.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (server.connector().getRefusedConnections() < 201 && System.nanoTime() < deadline)
                Thread.sleep(10);
            assertEquals(201, server.connector().getRefusedConnections(), "connections accepted and refused");
            // A byte every second: each read is activity, so only the deadline ends it.
            byte[] head = "GET / HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII);
            int sent = 0;
            while (server.connector().getConnectedEndPoints().size() > 0 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10))
            {
                if (sent < head.length && trickle.isOpen())
                {
                    try
                    {
                        trickle.write(ByteBuffer.wrap(head, sent++, 1));
                    }
                    catch (java.io.IOException closedByTheServer)
                    {
                        sent = head.length;
                    }
                }
                Thread.sleep(1000);
            }
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(0, server.connector().getConnectedEndPoints().size(), "refused connections still open after " + elapsedMillis + " ms");
            assertTrue(elapsedMillis < 9_000, "closed after " + elapsedMillis + " ms, against an idle timeout of " + IDLE_TIMEOUT_MILLIS);
        }
        finally
        {
            for (SocketChannel channel : silent)
                channel.close();
        }
    }

    /** A head ending in bare LFs (or a mix) is a complete request too: it is answered now, not at the idle timeout. */
    @ParameterizedTest
    @ValueSource(strings = {"GET / HTTP/1.1\nHost: x\n\n", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", "GET / HTTP/1.1\r\nHost: x\n\r\n",
        "GET / HTTP/1.0\n\n", "PRI * HTTP/1.1\nHost: x\n\n"})
    void aRequestHeadIsAnsweredAtOnceWhateverItsLineEnds(String head) throws Exception
    {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX))
        {
            channel.connect(UnixDomainSocketAddress.of(server.socket()));
            // The client keeps its side open, as one waiting for the answer does.
            channel.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1)));
            CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> readToEnd(channel));
            String response;
            try
            {
                response = answer.get(5, TimeUnit.SECONDS);
            }
            catch (TimeoutException late)
            {
                fail("no answer within 5 s to " + head.replace("\r", "\\r").replace("\n", "\\n") + " (idle timeout " +
                    IDLE_TIMEOUT_MILLIS + " ms)");
                return;
            }
            assertTrue(response.startsWith("HTTP/1.1 403 Forbidden\r\n") && response.endsWith("\r\n\r\n" + TOLD), response);
        }
    }

    @Test
    void theRefusedPeerIsToldLittleAndTheLogSaysWhoAndWhyOnce() throws Exception
    {
        String response = Exchange.get(server.socket(), "/");
        assertTrue(response.startsWith("HTTP/1.1 403 Forbidden\r\n") && response.endsWith("\r\n\r\n" + TOLD), response);
        assertFalse(response.contains("uid") || response.contains("allowed") || response.contains("65534"), response);

        String pid = Long.toString(ProcessHandle.current().pid());
        // The portable layer reads no pid: the log names the peer by its uid there.
        String first = awaitLog(Requirements.portableLayer() ? "refused uid=" + io.github.unixhttp.core.internal.nativeedge.NativeEdge.effectiveUid() + "(" : "refused pid=" + pid);
        assertTrue(first.contains(" WARN ") && first.contains("(peer policy: allowed: uids [65534])"), first);
        assertEquals(1, first.lines().count(), first);

        // A peer reconnecting in a loop.
        for (int i = 0; i < 300; i++)
            assertTrue(Exchange.get(server.socket(), "/").startsWith("HTTP/1.1 403 "));
        assertEquals(301, server.connector().getRefusedConnections());
        assertEquals(1, log.text().lines().count(), "300 more refusals within seconds should not be logged:\n" + log.text());
    }

    @Test
    void aSuppressedRunIsCountedInTheNextWarning() throws Exception
    {
        RefusalLog refusals = new RefusalLog(TimeUnit.MILLISECONDS.toNanos(1000));
        PeerPolicy policy = server.connector().getPeerPolicy();
        for (int i = 0; i < 51; i++)
            refusals.refused("test-connector", null, "not allowed", policy);
        // The 51 above fall in one interval, unless this thread stalled for a second; the next one in a new interval.
        Thread.sleep(1200);
        refusals.refused("test-connector", null, "not allowed", policy);
        String logged = log.text();
        assertEquals(2, logged.lines().count(), logged);
        assertTrue(logged.lines().skip(1).findFirst().orElseThrow().contains("; 50 more refusals were not logged since the last warning"),
            logged);
    }

    /** An h2c client with prior knowledge gets a 403 it can read: in HTTP/2. */
    @Test
    void anH2cClientIsAnsweredInHttp2() throws Exception
    {
        Requirements.requireCommand("curl");
        Run.Result curl = Run.run(Duration.ofSeconds(20), "curl", "-sS", "--http2-prior-knowledge", "--unix-socket",
            server.socket().toString(), "-w", "%{http_code} %{http_version}", "http://localhost/whoami");
        assertEquals(0, curl.exitCode(), curl.stderr());
        assertEquals("", curl.stderr());
        assertEquals(TOLD + "403 2", curl.stdout());
    }

    @Test
    void h2loadReadsTheRefusalAsA4xxResponse() throws Exception
    {
        Requirements.requireCommand("h2load");
        Run.Result h2load = Run.run(Duration.ofSeconds(30), "h2load", "-n", "1", "-c", "1", "--base-uri=unix:" + server.socket(),
            "http://localhost/");
        assertEquals(0, h2load.exitCode(), h2load.stdout() + h2load.stderr());
        // h2load counts a 4xx as "failed"; a response it could not parse would be "errored".
        assertTrue(h2load.stdout().contains("requests: 1 total, 1 started, 1 done, 0 succeeded, 1 failed, 0 errored, 0 timeout") &&
            h2load.stdout().contains("status codes: 0 2xx, 0 3xx, 1 4xx, 0 5xx"), h2load.stdout());
    }

    private String awaitLog(String text) throws InterruptedException
    {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!log.text().contains(text) && System.nanoTime() < deadline)
            Thread.sleep(10);
        return log.text();
    }

    private static String readToEnd(SocketChannel channel)
    {
        try
        {
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (channel.read(buffer.clear()) > 0)
                received.write(buffer.array(), 0, buffer.position());
            return received.toString(StandardCharsets.ISO_8859_1);
        }
        catch (java.io.IOException failure)
        {
            throw new java.io.UncheckedIOException(failure);
        }
    }
}
