package io.github.unixhttp.connector.limits;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.io.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A caller over its limit of requests in flight, or over its request rate, gets 429 with Retry-After before any handler
 * runs (the handler counts what reaches it), in HTTP/1 and h2c; its connection stays open.
 */
class RequestLimitTest
{
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void aRequestOverTheLimitInFlightGets429BeforeAnyHandlerRunsAndTheConnectionStays() throws Exception
    {
        try (LimitsServer server = LimitsServer.start(dir.resolve("app.sock"), CallerLimits.builder().maxRequestsInFlight(2).build());
             Http1Connection first = Http1Connection.open(server.socket());
             Http1Connection second = Http1Connection.open(server.socket());
             Http1Connection third = Http1Connection.open(server.socket()))
        {
            first.send("/hold");
            second.send("/hold");
            server.handler().awaitHeld(2, PATIENCE);

            Http1Connection.Response refused = third.get("/hold");
            assertEquals(429, refused.status(), refused.head());
            assertEquals("1", refused.header("Retry-After"), refused.head());
            assertEquals(2, server.handler().handled(), "the refused request reached no handler");
            assertEquals(1, server.connector().getRequestsRefusedOverLimit());
            assertEquals(2, server.callers().get(0).requestsInFlight());

            server.handler().releaseHeld();
            assertEquals(200, first.receive().status());
            assertEquals(200, second.receive().status());
            server.awaitCallers(callers -> callers.get(0).requestsInFlight() == 0, PATIENCE);
            // The refused request's connection was kept, and is served now that the caller is under its limit.
            assertEquals(200, third.get("/").status());
        }
    }

    @Test
    void anH2cRequestOverTheLimitInFlightGets429OnItsStreamWhileTheOthersGoOn() throws Exception
    {
        try (LimitsServer server = LimitsServer.start(dir.resolve("app.sock"), CallerLimits.builder().maxRequestsInFlight(2).build()))
        {
            HttpClient client = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client()));
            client.start();
            try
            {
                // One connection first, which the requests after share (made at once, they could open several).
                assertEquals(200, send(client, server, "/").get(PATIENCE.toSeconds(), TimeUnit.SECONDS).getStatus());
                List<CompletableFuture<ContentResponse>> held = new ArrayList<>();
                for (int i = 0; i < 2; i++)
                    held.add(send(client, server, "/hold"));
                server.handler().awaitHeld(2, PATIENCE);
                ContentResponse refused = send(client, server, "/hold").get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                assertEquals(429, refused.getStatus());
                assertEquals(HttpVersion.HTTP_2, refused.getVersion());
                assertEquals("1", refused.getHeaders().get(HttpHeader.RETRY_AFTER));
                assertEquals(3, server.handler().handled(), "the first request and the two held");

                server.handler().releaseHeld();
                for (CompletableFuture<ContentResponse> response : held)
                    assertEquals(200, response.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).getStatus());
                // One connection throughout: the 429 was a stream's answer, not the connection's end.
                assertEquals(1, server.connector().getConnectedEndPoints().size());
                server.awaitCallers(callers -> callers.get(0).requestsInFlight() == 0, PATIENCE);
                assertEquals(200, send(client, server, "/").get(PATIENCE.toSeconds(), TimeUnit.SECONDS).getStatus());
            }
            finally
            {
                client.stop();
            }
        }
    }

    @Test
    void requestsOverTheRateGet429WithTheSecondsToWait() throws Exception
    {
        try (LimitsServer server = LimitsServer.start(dir.resolve("app.sock"), CallerLimits.builder().requestRate(0.2, 3).build());
             Http1Connection connection = Http1Connection.open(server.socket()))
        {
            long begun = System.nanoTime();
            for (int i = 0; i < 3; i++)
                assertEquals(200, connection.get("/").status(), "request " + i + " of the burst");
            Http1Connection.Response refused = connection.get("/");
            double elapsed = (System.nanoTime() - begun) / 1e9;
            assertEquals(429, refused.status());
            // One token every 5 s, the first taken within `elapsed` of the refusal: the next comes in at most 5 s, and
            // at least 5 s less that (4 or 5 unless the machine stalled).
            int retryAfter = Integer.parseInt(refused.header("Retry-After"));
            assertTrue(retryAfter <= 5 && retryAfter >= (int)Math.floor(5 - elapsed), refused.head() + "after " + elapsed + " s");
            assertEquals(3, server.handler().handled());
            assertEquals(1, server.callers().get(0).requestsRefused());
        }
    }

    @Test
    void anH2cClientOverTheRateReadsA429WithRetryAfter() throws Exception
    {
        Requirements.requireCommand("curl");
        try (LimitsServer server = LimitsServer.start(dir.resolve("app.sock"), CallerLimits.builder().requestRate(0.2, 1).build()))
        {
            Run.Result first = curlH2c(server);
            assertTrue(first.stdout().startsWith("HTTP/2 200"), first.stdout());
            Run.Result second = curlH2c(server);
            assertTrue(second.stdout().startsWith("HTTP/2 429"), second.stdout());
            assertTrue(second.stdout().contains("\r\nretry-after: "), second.stdout());
            assertEquals(1, server.handler().handled());
        }
    }

    private static Run.Result curlH2c(LimitsServer server) throws Exception
    {
        Run.Result curl = Run.run(Duration.ofSeconds(20), "curl", "-sS", "--http2-prior-knowledge", "-D", "-", "-o", "/dev/null",
            "--unix-socket", server.socket().toString(), "http://localhost/");
        assertEquals(0, curl.exitCode(), curl.stderr());
        return curl;
    }

    static CompletableFuture<ContentResponse> send(HttpClient client, LimitsServer server, String path)
    {
        return new CompletableResponseListener(client.newRequest("http://localhost" + path)
            .transport(new Transport.TCPUnix(server.socket()))
            .timeout(30, TimeUnit.SECONDS)).send();
    }
}
