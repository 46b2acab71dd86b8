package io.github.unixhttp.unit.apache;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.unit.Bodies;
import io.github.unixhttp.unit.Servers;
import io.github.unixhttp.unit.UnixClientOptions;
import io.github.unixhttp.unit.UnixUrl;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.core5.http.ContentType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Apache HttpClient 5 async through {@link UnixHttpAsyncClients}, against our connector and Jetty's.
 */
class ApacheAsyncClientTest
{
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(Servers.class)
    void aHundredConcurrentRequests(Servers kind) throws Exception
    {
        Path socket = tmp.resolve("app.sock");
        try (Servers.Running server = kind.start(socket);
             CloseableHttpAsyncClient client = UnixHttpAsyncClients.create(UnixSocketAddress.ofPath(socket)))
        {
            client.start();
            List<Future<SimpleHttpResponse>> responses = new ArrayList<>();
            for (int i = 0; i < 100; i++)
                responses.add(client.execute(SimpleRequestBuilder.get("http://localhost/info?i=" + i).build(), null));
            Set<String> connections = new HashSet<>();
            for (int i = 0; i < 100; i++)
            {
                SimpleHttpResponse response = responses.get(i).get(60, TimeUnit.SECONDS);
                assertEquals(200, response.getCode());
                assertEquals("http://localhost/info?i=" + i, Bodies.field(response.getBodyText(), "uri"));
                connections.add(Bodies.field(response.getBodyText(), "connection"));
            }
            assertEquals(100, server.handler().handled());
            System.out.println("async client, 100 concurrent requests to " + kind + ": " + connections.size() + " connections");
            assertTrue(connections.size() < 100, "no connection was reused");
        }
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void getPostAndKeepAlive(Servers kind) throws Exception
    {
        Path socket = tmp.resolve("app.sock");
        // One connection at most: the async client hands a connection back to its pool just after the response
        // completes, so with more allowed a request sent at once may or may not open another.
        UnixClientOptions oneConnection = UnixClientOptions.builder().maxConnections(1).build();
        try (Servers.Running server = kind.start(socket);
             CloseableHttpAsyncClient client = UnixHttpAsyncClients.custom(UnixSocketAddress.ofPath(socket), oneConnection).build())
        {
            client.start();
            String first = send(client, SimpleRequestBuilder.get("http://localhost/info").build()).getBodyText();
            SimpleHttpResponse echoed = send(client, SimpleRequestBuilder.post("http://localhost/echo")
                .setBody("posted", ContentType.TEXT_PLAIN).build());
            assertEquals("posted", echoed.getBodyText());
            Set<String> connections = new HashSet<>(Set.of(Bodies.field(first, "connection")));
            for (int i = 0; i < 10; i++)
                connections.add(Bodies.field(send(client, SimpleRequestBuilder.get("http://localhost/info").build()).getBodyText(), "connection"));
            assertEquals(1, connections.size(), "the connection was not kept alive: " + connections);
        }
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void tenMegabytesEachWay(Servers kind) throws Exception
    {
        Path socket = tmp.resolve("app.sock");
        byte[] upload = Bodies.random(Bodies.TEN_MEGABYTES);
        try (Servers.Running server = kind.start(socket);
             CloseableHttpAsyncClient client = UnixHttpAsyncClients.create(UnixSocketAddress.ofPath(socket)))
        {
            client.start();
            SimpleHttpResponse echoed = send(client, SimpleRequestBuilder.post("http://localhost/echo")
                .setBody(upload, ContentType.APPLICATION_OCTET_STREAM).build());
            assertArrayEquals(upload, echoed.getBodyBytes());
            SimpleHttpResponse downloaded = send(client, SimpleRequestBuilder.get("http://localhost/bytes?n=" + Bodies.TEN_MEGABYTES).build());
            assertArrayEquals(Bodies.served(Bodies.TEN_MEGABYTES), downloaded.getBodyBytes());
        }
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void httpUnixUrlsWork(Servers kind) throws Exception
    {
        Path socket = tmp.resolve("app.sock");
        UnixUrl url = UnixUrl.parse(UnixUrl.format(UnixSocketAddress.ofPath(socket), "/info?y=2"));
        try (Servers.Running server = kind.start(socket);
             CloseableHttpAsyncClient client = UnixHttpAsyncClients.create(url.address()))
        {
            client.start();
            String info = send(client, SimpleRequestBuilder.get(url.requestUri()).build()).getBodyText();
            assertEquals("http://localhost/info?y=2", Bodies.field(info, "uri"));
        }
    }

    @Test
    void abstractNamesAreRefusedWithTheReasonAndTheAlternative()
    {
        UnsupportedOperationException refusal = assertThrows(UnsupportedOperationException.class,
            () -> UnixHttpAsyncClients.custom(UnixSocketAddress.ofAbstractName("x"), UnixClientOptions.defaults()));
        assertTrue(refusal.getMessage().contains("only the JDK's channels") && refusal.getMessage().contains("Use UnixHttpClients"),
            refusal.getMessage());
    }

    static SimpleHttpResponse send(CloseableHttpAsyncClient client, SimpleHttpRequest request) throws Exception
    {
        SimpleHttpResponse response = client.execute(request, null).get(60, TimeUnit.SECONDS);
        assertEquals(200, response.getCode());
        return response;
    }
}
