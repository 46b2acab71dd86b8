package io.github.unixhttp.unit.apache;

import java.nio.file.Path;
import java.util.UUID;

import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.testing.TestServer;
import io.github.unixhttp.unit.Bodies;
import io.github.unixhttp.unit.Servers;
import io.github.unixhttp.unit.UnixRouteException;
import io.github.unixhttp.unit.UnixUrl;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Apache HttpClient 5 classic through {@link UnixHttpClients}, against our connector and Jetty's.
 */
class ApacheClassicClientTest
{
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(Servers.class)
    void getAndPostReuseOneConnection(Servers kind) throws Exception
    {
        Path socket = tmp.resolve("app.sock");
        try (Servers.Running server = kind.start(socket);
             CloseableHttpClient client = UnixHttpClients.create(UnixSocketAddress.ofPath(socket)))
        {
            String first = get(client, "http://localhost/info");
            HttpPost post = new HttpPost("http://localhost/echo");
            post.setEntity(new StringEntity("posted", ContentType.TEXT_PLAIN));
            assertEquals("posted", client.execute(post, response -> EntityUtils.toString(response.getEntity())));
            String third = get(client, "http://localhost/info");
            assertEquals(Bodies.field(first, "connection"), Bodies.field(third, "connection"), "the connection was not reused");
            assertEquals("localhost", Bodies.field(first, "host"));
            assertEquals(3, server.handler().handled());
        }
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void tenMegabytesEachWay(Servers kind) throws Exception
    {
        Path socket = tmp.resolve("app.sock");
        byte[] upload = Bodies.random(Bodies.TEN_MEGABYTES);
        try (Servers.Running server = kind.start(socket);
             CloseableHttpClient client = UnixHttpClients.create(UnixSocketAddress.ofPath(socket)))
        {
            // A classic client writes the whole body before it reads: the server digests the upload rather than echo it.
            HttpPost post = new HttpPost("http://localhost/digest");
            post.setEntity(new ByteArrayEntity(upload, ContentType.APPLICATION_OCTET_STREAM));
            assertEquals(Bodies.digestOf(upload), client.execute(post, response -> EntityUtils.toString(response.getEntity())));
            byte[] downloaded = client.execute(new HttpGet("http://localhost/bytes?n=" + Bodies.TEN_MEGABYTES),
                response -> EntityUtils.toByteArray(response.getEntity()));
            assertArrayEquals(Bodies.served(Bodies.TEN_MEGABYTES), downloaded);
        }
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void httpUnixUrlsWork(Servers kind) throws Exception
    {
        Path socket = tmp.resolve("app.sock");
        UnixUrl url = UnixUrl.parse(UnixUrl.format(UnixSocketAddress.ofPath(socket), "/info?x=1"));
        try (Servers.Running server = kind.start(socket);
             CloseableHttpClient client = UnixHttpClients.create(url.address()))
        {
            String info = get(client, url.requestUri().toString());
            assertEquals("http://localhost/info?x=1", Bodies.field(info, "uri"));
        }
    }

    /**
     * After 2 s idle HttpClient checks a pooled connection with a 1 ms read timeout; a socket adapter that got
     * timeouts wrong once spun there until the server's idle timeout closed the connection (27 s).
     */
    @Test
    void aConnectionIdleLongerThanTheStaleCheckDelayIsReusedPromptly() throws Exception
    {
        Path socket = tmp.resolve("app.sock");
        try (TestServer server = TestServer.start(socket);
             CloseableHttpClient client = UnixHttpClients.create(UnixSocketAddress.ofPath(socket)))
        {
            String first = get(client, "http://localhost/info");
            Thread.sleep(2_500);
            long start = System.nanoTime();
            String second = get(client, "http://localhost/info");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 5_000, "the request after idling took " + millis + " ms");
            assertEquals(Bodies.field(first, "connection"), Bodies.field(second, "connection"), "the idle connection was not reused");
        }
    }

    @Test
    void abstractNamesAreReachedThroughTheNativeEdge() throws Exception
    {
        Requirements.requireLinuxLayer("abstract names");
        String name = "unixhttp-test-" + UUID.randomUUID();
        byte[] upload = Bodies.random(1024 * 1024);
        try (TestServer server = TestServer.start(connector -> connector.setSocket("@" + name));
             CloseableHttpClient client = UnixHttpClients.create(UnixSocketAddress.ofAbstractName(name)))
        {
            String first = get(client, "http://localhost/info");
            assertEquals("@" + name, Bodies.field(first, "local"));
            HttpPost post = new HttpPost("http://localhost/digest");
            post.setEntity(new ByteArrayEntity(upload, ContentType.APPLICATION_OCTET_STREAM));
            assertEquals(Bodies.digestOf(upload), client.execute(post, response -> EntityUtils.toString(response.getEntity())));
            byte[] downloaded = client.execute(new HttpGet("http://localhost/bytes?n=" + upload.length),
                response -> EntityUtils.toByteArray(response.getEntity()));
            assertArrayEquals(Bodies.served(upload.length), downloaded);
            assertEquals(Bodies.field(first, "connection"), Bodies.field(get(client, "http://localhost/info"), "connection"));
            assertEquals(4, server.handler().handled());
        }
    }

    /**
     * HttpClient's routes carry a path; an abstract name is not smuggled into one as {@code @name}. A request whose
     * RequestConfig names the path {@code @name} asks for a file of that name, another socket, and is refused.
     */
    @Test
    void aRoutePathSpelledLikeTheAbstractNameIsAnotherSocket() throws Exception
    {
        Requirements.requireLinuxLayer("abstract names");
        String name = "unixhttp-test-" + UUID.randomUUID();
        try (TestServer server = TestServer.start(connector -> connector.setAddress(UnixSocketAddress.ofAbstractName(name)));
             CloseableHttpClient client = UnixHttpClients.create(UnixSocketAddress.ofAbstractName(name)))
        {
            HttpGet spelled = new HttpGet("http://localhost/info");
            spelled.setConfig(RequestConfig.custom().setUnixDomainSocket(Path.of("@" + name)).build());
            UnixRouteException refused = assertThrows(UnixRouteException.class, () -> client.execute(spelled, response -> null));
            assertTrue(refused.getMessage().contains("unix:@" + name), refused.getMessage());
            assertEquals(0, server.handler().handled());
            assertEquals("@" + name, Bodies.field(get(client, "http://localhost/info"), "local"));
        }
    }

    static String get(CloseableHttpClient client, String uri) throws Exception
    {
        return client.execute(new HttpGet(uri), response ->
        {
            assertEquals(200, response.getCode());
            return EntityUtils.toString(response.getEntity());
        });
    }
}
