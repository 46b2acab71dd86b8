package io.github.unixhttp.connector.limits;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.testing.Exchange;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.io.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whatever a connection or a request took of its caller's limits is given back exactly once, however it ends: a
 * response, a client that goes away mid-request, an HTTP/2 reset, a refusal; and a caller that holds nothing is
 * forgotten. Each test ends with the connector knowing no caller.
 */
class GivenBackTest
{
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final CallerLimits LIMITED = CallerLimits.builder().maxConnections(50).maxRequestsInFlight(20)
        .requestRate(100_000, 100_000).maxRefusedConnections(4).build();

    @TempDir
    Path dir;

    @Test
    void manyConnectionsEndingEveryWayLeaveNothingBehind() throws Exception
    {
        try (LimitsServer server = LimitsServer.start(dir.resolve("app.sock"), LIMITED))
        {
            // Served and closed, one after another.
            for (int i = 0; i < 300; i++)
                assertTrue(Exchange.get(server.socket(), "/").startsWith("HTTP/1.1 200 "));
            // Gone while their requests are in the handler.
            List<SocketChannel> leaving = new ArrayList<>();
            for (int i = 0; i < 20; i++)
                leaving.add(connectAndSend(server, "GET /hold HTTP/1.1\r\nHost: localhost\r\n\r\n"));
            server.handler().awaitHeld(20, PATIENCE);
            for (SocketChannel channel : leaving)
                channel.close();
            server.handler().releaseHeld();
            // Gone halfway through a request head, or before saying anything.
            for (int i = 0; i < 20; i++)
                connectAndSend(server, "GET /hold HTTP/1.1\r\nHo").close();
            for (int i = 0; i < 20; i++)
                connectAndSend(server, "").close();
            // Once the server has taken all 360 from its backlog and seen them go (it hears of a client's close a little
            // later); a connection still in the backlog would count against the crowd's limit below...
            server.awaitOpened(360, PATIENCE);
            assertEquals(List.of(), server.awaitCallers(List::isEmpty, PATIENCE));
            // ...sixty at once against a limit of fifty: ten refused, four of them waiting for their answer.
            List<SocketChannel> crowd = new ArrayList<>();
            for (int i = 0; i < 60; i++)
                crowd.add(connectAndSend(server, ""));
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while ((server.connector().getConnectionsRefusedOverLimit() < 10 || server.connector().getRefusedConnectionsClosedUnanswered() < 6) &&
                System.nanoTime() < deadline)
                Thread.sleep(10);
            assertEquals(10, server.connector().getConnectionsRefusedOverLimit());
            assertEquals(6, server.connector().getRefusedConnectionsClosedUnanswered());
            for (SocketChannel channel : crowd)
                channel.close();
            assertEquals(List.of(), server.awaitCallers(List::isEmpty, PATIENCE));
            // h2c, a hundred requests at once on one connection, then the client stops.
            HttpClient client = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client()));
            client.start();
            try
            {
                assertEquals(200, RequestLimitTest.send(client, server, "/").get(PATIENCE.toSeconds(), TimeUnit.SECONDS).getStatus());
                List<CompletableFuture<ContentResponse>> responses = new ArrayList<>();
                for (int i = 0; i < 100; i++)
                    responses.add(RequestLimitTest.send(client, server, "/"));
                for (CompletableFuture<ContentResponse> response : responses)
                {
                    int status = response.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).getStatus();
                    assertTrue(status == 200 || status == 429, "status " + status);
                }
            }
            finally
            {
                client.stop();
            }
            assertEquals(List.of(), server.awaitCallers(List::isEmpty, PATIENCE));
        }
    }

    @Test
    void resetStreamsGiveTheirPlacesBackOnceTheirHandlersAreDone() throws Exception
    {
        try (LimitsServer server = LimitsServer.start(dir.resolve("app.sock"), CallerLimits.builder().maxRequestsInFlight(3).build()))
        {
            HTTP2Client http2 = new HTTP2Client();
            http2.start();
            try
            {
                Session session = http2.connect(new Transport.TCPUnix(server.socket()), null, UnixDomainSocketAddress.of(server.socket()),
                    new Session.Listener() {}).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                List<Stream> streams = new ArrayList<>();
                for (int i = 0; i < 3; i++)
                    streams.add(hold(session));
                server.handler().awaitHeld(3, PATIENCE);
                assertEquals(3, server.callers().get(0).requestsInFlight());
                for (Stream stream : streams)
                    stream.reset(new ResetFrame(stream.getId(), ErrorCode.CANCEL_STREAM_ERROR.code)).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                server.handler().releaseHeld();
                server.awaitCallers(callers -> callers.get(0).requestsInFlight() == 0, PATIENCE);
                assertEquals(0, server.callers().get(0).requestsInFlight());

                // All three places are free again: three more requests reach the handler, on the same connection.
                for (int i = 0; i < 3; i++)
                    hold(session);
                server.handler().awaitHeld(6, PATIENCE);
                assertEquals(0, server.connector().getRequestsRefusedOverLimit());
                // The client goes with its requests still in the handler.
                session.close(ErrorCode.NO_ERROR.code, "bye", org.eclipse.jetty.util.Callback.NOOP);
                server.handler().releaseHeld();
                assertEquals(List.of(), server.awaitCallers(List::isEmpty, PATIENCE));
            }
            finally
            {
                http2.stop();
            }
        }
    }

    @Test
    void aStopGivesEverythingBackAndTheNextStartBeginsEmpty() throws Exception
    {
        try (LimitsServer server = LimitsServer.start(dir.resolve("app.sock"), LIMITED))
        {
            List<Http1Connection> open = new ArrayList<>();
            for (int i = 0; i < 10; i++)
            {
                Http1Connection connection = Http1Connection.open(server.socket());
                assertEquals(200, connection.get("/").status());
                open.add(connection);
            }
            assertEquals(10, server.callers().get(0).connections());
            server.connector().stop();
            assertEquals(List.of(), server.awaitCallers(List::isEmpty, PATIENCE));
            server.connector().start();
            try (Http1Connection again = Http1Connection.open(server.socket()))
            {
                assertEquals(200, again.get("/").status());
                assertEquals(1, server.callers().get(0).connections());
            }
            for (Http1Connection connection : open)
                connection.close();
        }
    }

    private static Stream hold(Session session) throws Exception
    {
        MetaData.Request request = new MetaData.Request("GET", HttpURI.from("http://localhost/hold"), HttpVersion.HTTP_2, HttpFields.EMPTY);
        return session.newStream(new HeadersFrame(request, null, true), new Stream.Listener() {})
            .get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    private static SocketChannel connectAndSend(LimitsServer server, String bytes) throws Exception
    {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(server.socket()));
        channel.write(ByteBuffer.wrap(bytes.getBytes(StandardCharsets.US_ASCII)));
        return channel;
    }
}
