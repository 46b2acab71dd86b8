package io.github.unixhttp.unit.okhttp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import io.github.unixhttp.testing.TestServer;
import io.github.unixhttp.unit.Bodies;
import io.github.unixhttp.unit.Servers;
import io.github.unixhttp.unit.UnixClientOptions;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.ConnectionPool;
import okhttp3.EventListener;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * OkHttp through {@link UnixOkHttpClients}, against our connector and Jetty's: requests and bodies, connection
 * reuse, asynchronous calls, abstract names, the socket's timeouts, and what a missing server gives.
 */
class OkHttpClientTest
{
    private static final MediaType OCTETS = MediaType.get("application/octet-stream");

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(Servers.class)
    void getAndPostShareOneConnection(Servers kind) throws Exception
    {
        UnixSocketAddress address = UnixSocketAddress.ofPath(tmp.resolve("app.sock"));
        try (CountingServer server = CountingServer.start(kind, address))
        {
            OkHttpClient client = UnixOkHttpClients.newClient(address);
            String first = get(client, "http://localhost/info");
            assertEquals("posted", body(client, new Request.Builder().url("http://localhost/echo")
                .post(RequestBody.create("posted", MediaType.get("text/plain"))).build()));
            String third = get(client, "http://localhost/info");
            assertEquals("localhost", Bodies.field(first, "host"));
            assertEquals(Bodies.field(first, "connection"), Bodies.field(third, "connection"), "the connection was not reused");
            assertEquals(3, server.handled());
            assertEquals(1, server.accepted(), "three requests took more than one connection");
            close(client);
        }
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void tenMegabytesEachWay(Servers kind) throws Exception
    {
        UnixSocketAddress address = UnixSocketAddress.ofPath(tmp.resolve("app.sock"));
        byte[] upload = Bodies.random(Bodies.TEN_MEGABYTES);
        try (CountingServer server = CountingServer.start(kind, address))
        {
            OkHttpClient client = UnixOkHttpClients.newClient(address);
            // OkHttp writes the whole body before it reads: the server digests the upload rather than echo it.
            assertEquals(Bodies.digestOf(upload), body(client, new Request.Builder().url("http://localhost/digest")
                .post(RequestBody.create(upload, OCTETS)).build()));
            try (Response response = client.newCall(new Request.Builder().url("http://localhost/bytes?n=" + Bodies.TEN_MEGABYTES).build())
                .execute())
            {
                assertEquals(200, response.code());
                assertArrayEquals(Bodies.served(Bodies.TEN_MEGABYTES), response.body().bytes());
            }
            assertEquals(1, server.accepted());
            close(client);
        }
    }

    /**
     * Asynchronous calls run on OkHttp's dispatcher, which runs up to the options' {@code maxConnections} at once
     * (OkHttp's own limit is 5 per host, and every host is the one socket): 40 calls, all served, on at most that many
     * connections.
     */
    @Test
    void asynchronousCallsAreServedWithinThePoolSize() throws Exception
    {
        UnixSocketAddress address = UnixSocketAddress.ofPath(tmp.resolve("app.sock"));
        int maxConnections = 8;
        try (CountingServer server = CountingServer.start(address))
        {
            OkHttpClient client = UnixOkHttpClients.newClient(address, UnixClientOptions.builder().maxConnections(maxConnections).build());
            assertEquals(maxConnections, client.dispatcher().getMaxRequestsPerHost());
            List<CompletableFuture<String>> answers = new ArrayList<>();
            for (int i = 0; i < 40; i++)
                answers.add(enqueue(client, new Request.Builder().url("http://localhost/bytes?n=" + (256 * 1024)).build()));
            for (CompletableFuture<String> answer : answers)
                assertEquals(256 * 1024, answer.get(60, TimeUnit.SECONDS).length());
            assertEquals(40, server.handled());
            assertTrue(server.accepted() <= maxConnections, server.accepted() + " connections for a pool of " + maxConnections);
            close(client);
        }
    }

    /**
     * HTTP/2 with prior knowledge (the server's h2c): OkHttp reads the connection on one thread while calls write on
     * others, all on one connection: 16 uploads and 16 downloads of a megabyte at once.
     */
    @Test
    void h2cCarriesConcurrentUploadsAndDownloadsOnOneConnection() throws Exception
    {
        Path socket = tmp.resolve("h2c.sock");
        // Counted by the client: the server sees the HTTP/1.1 connection that reads the preface, then the HTTP/2 one.
        AtomicInteger connects = new AtomicInteger();
        int size = 1024 * 1024;
        byte[] upload = Bodies.random(size);
        try (TestServer server = TestServer.start(socket, connector -> {}, new HttpConnectionFactory(UnixSocketConnector.newHttpConfiguration()),
            new HTTP2CServerConnectionFactory(UnixSocketConnector.newHttpConfiguration())))
        {
            OkHttpClient client = UnixOkHttpClients.builder(UnixSocketAddress.ofPath(socket), UnixClientOptions.defaults())
                .protocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE)).eventListener(new EventListener()
                {
                    @Override
                    public void connectStart(Call call, InetSocketAddress inetSocketAddress, Proxy proxy)
                    {
                        connects.incrementAndGet();
                    }
                }).build();
            assertEquals("HTTP/2.0", Bodies.field(get(client, "http://localhost/info"), "version"));
            List<CompletableFuture<String>> uploads = new ArrayList<>();
            List<CompletableFuture<String>> downloads = new ArrayList<>();
            for (int i = 0; i < 16; i++)
            {
                uploads.add(enqueue(client, new Request.Builder().url("http://localhost/digest").post(RequestBody.create(upload, OCTETS)).build()));
                downloads.add(enqueue(client, new Request.Builder().url("http://localhost/bytes?n=" + size).build()));
            }
            String digest = Bodies.digestOf(upload);
            String served = new String(Bodies.served(size), StandardCharsets.US_ASCII);
            for (int i = 0; i < 16; i++)
            {
                assertEquals(digest, uploads.get(i).get(60, TimeUnit.SECONDS));
                assertEquals(served, downloads.get(i).get(60, TimeUnit.SECONDS));
            }
            assertEquals(33, server.handler().handled());
            assertEquals(1, connects.get());
            close(client);
        }
    }

    @Test
    void anAbstractNameIsReachedThroughTheNativeEdge() throws Exception
    {
        Requirements.requireLinuxLayer("abstract names");
        String name = "unixhttp-okhttp-" + UUID.randomUUID();
        UnixSocketAddress address = UnixSocketAddress.ofAbstractName(name);
        byte[] upload = Bodies.random(1024 * 1024);
        try (CountingServer server = CountingServer.start(address))
        {
            OkHttpClient client = UnixOkHttpClients.newClient(address);
            String first = get(client, "http://localhost/info");
            assertEquals("@" + name, Bodies.field(first, "local"));
            assertEquals(Bodies.digestOf(upload), body(client, new Request.Builder().url("http://localhost/digest")
                .post(RequestBody.create(upload, OCTETS)).build()));
            try (Response response = client.newCall(new Request.Builder().url("http://localhost/bytes?n=" + upload.length).build()).execute())
            {
                assertArrayEquals(Bodies.served(upload.length), response.body().bytes());
            }
            assertEquals(Bodies.field(first, "connection"), Bodies.field(get(client, "http://localhost/info"), "connection"));
            assertEquals(4, server.handled());
            assertEquals(1, server.accepted());
            close(client);
        }
    }

    /**
     * The portable layer cannot reach an abstract name: the client refuses it when it is made, not inside a call. Run in
     * a JVM of its own with the portable layer forced, since this one's layer is chosen once.
     */
    @Test
    void onThePortableLayerAnAbstractNameIsRefusedWhenTheClientIsMade() throws Exception
    {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Dunixhttp.platform=portable", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-cp", System.getProperty("java.class.path"), PortableAbstractNameMain.class.getName());
        Run.Result result = Run.run(Duration.ofSeconds(60), command);
        assertEquals(0, result.exitCode(), result.stdout() + result.stderr());
        assertEquals(List.of("socket file: made", "abstract name: IllegalStateException"), result.stdout().lines().toList(), result.stderr());
    }

    @Test
    void noSocketFileIsAConnectException() throws Exception
    {
        UnixSocketAddress address = UnixSocketAddress.ofPath(tmp.resolve("missing.sock"));
        OkHttpClient client = UnixOkHttpClients.newClient(address);
        IOException failure = assertThrows(IOException.class, () -> get(client, "http://localhost/info"));
        assertInstanceOf(ConnectException.class, failure);
        // OkHttp names the placeholder address it asked for; ours, the cause, names the socket.
        assertInstanceOf(ConnectException.class, failure.getCause());
        assertTrue(failure.getCause().getMessage().contains("unix:" + address.path()), failure.getCause().getMessage());
    }

    @Test
    void aSocketFileNobodyListensOnIsAConnectException() throws Exception
    {
        Path socket = tmp.resolve("dead.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX))
        {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket), "the dead socket's file went with it");
        OkHttpClient client = UnixOkHttpClients.newClient(UnixSocketAddress.ofPath(socket));
        IOException failure = assertThrows(IOException.class, () -> get(client, "http://localhost/info"));
        assertInstanceOf(ConnectException.class, failure);
    }

    @Test
    void anInheritedSocketIsRefusedWhenTheClientIsMade()
    {
        assertThrows(IllegalArgumentException.class, () -> UnixOkHttpClients.newClient(UnixSocketAddress.inherited()));
    }

    /**
     * OkHttp's read timeout works on the socket: a server that takes the request and never answers fails the call
     * with a {@link SocketTimeoutException} once it runs out.
     */
    @Test
    void aServerThatNeverAnswersMeetsTheReadTimeout() throws Exception
    {
        Path socket = tmp.resolve("silent.sock");
        try (ServerSocketChannel silent = ServerSocketChannel.open(StandardProtocolFamily.UNIX))
        {
            silent.bind(UnixDomainSocketAddress.of(socket));
            OkHttpClient client = UnixOkHttpClients.builder(UnixSocketAddress.ofPath(socket), UnixClientOptions.defaults())
                .readTimeout(Duration.ofMillis(300)).retryOnConnectionFailure(false).build();
            long start = System.nanoTime();
            assertThrows(SocketTimeoutException.class, () -> get(client, "http://localhost/info"));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis >= 250 && millis < 10_000, "gave up after " + millis + " ms");
        }
    }

    /**
     * The sockets the factory makes behave as TCP sockets do where OkHttp relies on it: a read honours the socket
     * timeout (OkHttp checks a pooled connection with a 1 ms one) and a close from another thread ends a read that
     * waits (how OkHttp cancels a call).
     */
    @Test
    void theSocketsHonourReadTimeoutsAndACloseFromAnotherThread() throws Exception
    {
        UnixSocketAddress address = UnixSocketAddress.ofPath(tmp.resolve("app.sock"));
        try (CountingServer server = CountingServer.start(address))
        {
            OkHttpClient client = UnixOkHttpClients.newClient(address);
            try (Socket socket = client.socketFactory().createSocket())
            {
                assertTrue(!socket.isConnected());
                socket.connect(new InetSocketAddress("localhost", 80), 1000);
                assertTrue(socket.isConnected());
                socket.setSoTimeout(1);
                InputStream in = socket.getInputStream();
                long start = System.nanoTime();
                assertThrows(SocketTimeoutException.class, in::read);
                assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 1000);

                socket.setSoTimeout(0);
                CompletableFuture<Integer> blocked = CompletableFuture.supplyAsync(() ->
                {
                    try
                    {
                        return in.read();
                    }
                    catch (IOException closed)
                    {
                        throw new RuntimeException(closed);
                    }
                });
                Thread.sleep(200);
                assertTrue(!blocked.isDone(), "the read did not wait");
                socket.close();
                Throwable ended = assertThrows(Exception.class, () -> blocked.get(10, TimeUnit.SECONDS));
                assertInstanceOf(SocketException.class, ended.getCause().getCause(), ended.toString());
                assertTrue(socket.isClosed());
            }
            // The same sockets carry HTTP, of course.
            try (Socket socket = client.socketFactory().createSocket("localhost", 80))
            {
                OutputStream out = socket.getOutputStream();
                out.write("GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(response.startsWith("HTTP/1.1 200 ") && response.endsWith("hello"), response);
            }
            assertEquals(2, server.accepted());
        }
    }

    /**
     * OkHttp tells pooled connections apart by DNS, proxy settings and host, not by socket factory: each client has
     * a DNS of its own, so two clients of two sockets sharing one pool still reach each its own socket.
     */
    @Test
    void clientsSharingAConnectionPoolKeepToTheirOwnSockets() throws Exception
    {
        UnixSocketAddress one = UnixSocketAddress.ofPath(tmp.resolve("one.sock"));
        UnixSocketAddress two = UnixSocketAddress.ofPath(tmp.resolve("two.sock"));
        ConnectionPool shared = new ConnectionPool();
        try (CountingServer first = CountingServer.start(one);
             CountingServer second = CountingServer.start(two))
        {
            OkHttpClient toOne = UnixOkHttpClients.builder(one, UnixClientOptions.defaults()).connectionPool(shared).build();
            OkHttpClient toTwo = UnixOkHttpClients.builder(two, UnixClientOptions.defaults()).connectionPool(shared).build();
            for (int i = 0; i < 3; i++)
            {
                assertEquals(one.path().toString(), Bodies.field(get(toOne, "http://localhost/info"), "local"));
                assertEquals(two.path().toString(), Bodies.field(get(toTwo, "http://localhost/info"), "local"));
            }
            assertEquals(3, first.handled());
            assertEquals(3, second.handled());
            // A client derived from one keeps its socket and shares its connections.
            OkHttpClient derived = toOne.newBuilder().readTimeout(Duration.ofSeconds(5)).build();
            assertEquals(one.path().toString(), Bodies.field(get(derived, "http://localhost/info"), "local"));
            assertEquals(1, first.accepted());
            assertEquals(1, second.accepted());
            shared.evictAll();
        }
    }

    static String get(OkHttpClient client, String url) throws IOException
    {
        return body(client, new Request.Builder().url(url).build());
    }

    static String body(OkHttpClient client, Request request) throws IOException
    {
        try (Response response = client.newCall(request).execute())
        {
            assertEquals(200, response.code(), response.toString());
            return response.body().string();
        }
    }

    static CompletableFuture<String> enqueue(OkHttpClient client, Request request)
    {
        CompletableFuture<String> answer = new CompletableFuture<>();
        client.newCall(request).enqueue(new Callback()
        {
            @Override
            public void onFailure(Call call, IOException failure)
            {
                answer.completeExceptionally(failure);
            }

            @Override
            public void onResponse(Call call, Response response)
            {
                try (response)
                {
                    answer.complete(response.body().string());
                }
                catch (IOException | RuntimeException failure)
                {
                    answer.completeExceptionally(failure);
                }
            }
        });
        return answer;
    }

    /** Lets the client's threads go: OkHttp's dispatcher and pool threads otherwise idle on for a minute. */
    static void close(OkHttpClient client)
    {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }
}
