package io.github.unixhttp.connector;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.github.unixhttp.connector.binding.SocketFileMode;
import io.github.unixhttp.connector.policy.PeerPolicy;
import io.github.unixhttp.core.PeerCredentials;
import io.github.unixhttp.testing.Exchange;
import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ThreadPool;
import org.eclipse.jetty.util.thread.VirtualThreadPool;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The connector with Jetty 12's virtual threads (Java 21+; the build runs this class only there, see the
 * {@code java21} profile): handlers on virtual threads still see the peer's credentials, the peer policy still keeps
 * refused peers from every handler, a graceful stop lets a request in progress on a virtual thread finish, and a
 * takeover hands the path over. Each with Jetty's two ways: a {@link QueuedThreadPool} whose blocking tasks run on
 * virtual threads, and a {@link VirtualThreadPool} where everything does.
 */
@Tag("virtual-threads")
class VirtualThreadsTest
{
    enum Pool
    {
        /** Selectors and acceptors on platform threads, handlers on virtual threads: what Jetty recommends. */
        QUEUED_WITH_VIRTUAL_THREADS
        {
            @Override
            ThreadPool create()
            {
                QueuedThreadPool pool = new QueuedThreadPool();
                pool.setVirtualThreadsExecutor(VirtualThreads.getDefaultVirtualThreadsExecutor());
                return pool;
            }
        },
        /** Every thread virtual. */
        VIRTUAL_THREAD_POOL
        {
            @Override
            ThreadPool create()
            {
                return new VirtualThreadPool();
            }
        };

        abstract ThreadPool create();
    }

    @TempDir
    Path tmp;

    @BeforeEach
    void virtualThreadsAreThere()
    {
        assertTrue(VirtualThreads.areSupported(), "this class runs on Java 21+ only (" + Runtime.version() + ")");
    }

    @ParameterizedTest
    @EnumSource(Pool.class)
    void handlersOnVirtualThreadsSeeThePeersCredentials(Pool pool) throws Exception
    {
        Requirements.requireCommand("curl");
        WhoIsCalling handler = new WhoIsCalling();
        Server server = start(pool, tmp.resolve("app.sock"), connector -> {}, handler);
        try
        {
            String answer = curl(tmp.resolve("app.sock"), "http://localhost/").stdout();
            assertTrue(answer.contains("virtual=true"), answer);
            assertTrue(answer.contains("uid=" + new com.sun.security.auth.module.UnixSystem().getUid()), answer);
        }
        finally
        {
            server.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(Pool.class)
    void aPeerThePolicyRefusesReachesNoHandler(Pool pool) throws Exception
    {
        Requirements.requireRoot();
        Requirements.requireCommand("curl");
        Requirements.requireCommand("setpriv");
        Path dir = Run.openToOthers(tmp);
        WhoIsCalling handler = new WhoIsCalling();
        Server server = start(pool, dir.resolve("app.sock"), connector ->
        {
            connector.setSocketFile(SocketFileOptions.builder().mode(SocketFileMode.parse("0666")).build());
            connector.setPeerPolicy(PeerPolicy.builder().allowUid(0).build());
        }, handler);
        try
        {
            Run.Result refused = Run.run(Duration.ofSeconds(30), Run.asOtherUser(List.of("curl", "-sS", "-o", "/dev/null",
                "-w", "%{http_code}", "--unix-socket", dir.resolve("app.sock").toString(), "http://localhost/")));
            assertEquals("403", refused.stdout());
            assertEquals(0, handler.handled.get());
            assertTrue(curl(dir.resolve("app.sock"), "http://localhost/").stdout().contains("uid=0"));
        }
        finally
        {
            server.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(Pool.class)
    void aGracefulStopLetsARequestOnAVirtualThreadFinish(Pool pool) throws Exception
    {
        Requirements.requireCommand("curl");
        Path socket = tmp.resolve("app.sock");
        WhoIsCalling handler = new WhoIsCalling();
        Server server = start(pool, socket, connector -> {}, handler);
        server.setStopTimeout(10_000);
        CompletableFuture<Run.Result> slow = CompletableFuture.supplyAsync(() ->
        {
            try
            {
                return curl(socket, "http://localhost/slow");
            }
            catch (Exception failed)
            {
                throw new IllegalStateException(failed);
            }
        });
        assertTrue(handler.slowStarted.await(30, TimeUnit.SECONDS), "the slow request did not reach its handler");
        server.stop();
        String answer = slow.get(30, TimeUnit.SECONDS).stdout();
        assertTrue(answer.contains("slow done") && answer.contains("virtual=true"), answer);
        assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "a stopped server removes its socket");
    }

    @ParameterizedTest
    @EnumSource(Pool.class)
    void aTakeoverHandsThePathToTheNextServer(Pool pool) throws Exception
    {
        Requirements.requireLinuxLayer("the takeover (renameat2 RENAME_EXCHANGE)");
        Path socket = tmp.resolve("app.sock");
        WhoIsCalling oldHandler = new WhoIsCalling();
        WhoIsCalling nextHandler = new WhoIsCalling();
        Server old = start(pool, socket, connector -> {}, oldHandler);
        Server next = start(pool, socket, connector -> connector.setSocketFile(SocketFileOptions.builder().takeover(true).build()), nextHandler);
        try
        {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!old.isStopped() && System.nanoTime() < deadline)
                Thread.sleep(20);
            assertTrue(old.isStopped(), "the replaced server stops by default");
            String answer = Exchange.get(socket, "/");
            assertTrue(answer.startsWith("HTTP/1.1 200 ") && answer.contains("virtual=true"), answer);
            assertEquals(1, nextHandler.handled.get());
        }
        finally
        {
            next.stop();
            old.stop();
        }
    }

    private static Server start(Pool pool, Path socket, Consumer<UnixSocketConnector> configure, Handler handler) throws Exception
    {
        Server server = new Server(pool.create());
        UnixSocketConnector connector = new UnixSocketConnector(server);
        connector.setSocketPath(socket);
        configure.accept(connector);
        server.addConnector(connector);
        server.setHandler(handler);
        server.start();
        return server;
    }

    private static Run.Result curl(Path socket, String url) throws Exception
    {
        Run.Result result = Run.run(Duration.ofSeconds(30), "curl", "-sS", "-m", "20", "--unix-socket", socket.toString(), url);
        assertEquals(0, result.exitCode(), result.stderr());
        return result;
    }

    /** Says whether it runs on a virtual thread and who is calling; {@code /slow} takes a second. A blocking handler. */
    private static final class WhoIsCalling extends Handler.Abstract
    {
        final AtomicInteger handled = new AtomicInteger();
        final CountDownLatch slowStarted = new CountDownLatch(1);

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception
        {
            handled.incrementAndGet();
            String answer = "virtual=" + VirtualThreads.isVirtualThread() + "\nuid=" + request.getAttribute(PeerCredentials.UID_ATTRIBUTE) + "\n";
            if (Request.getPathInContext(request).equals("/slow"))
            {
                slowStarted.countDown();
                Thread.sleep(1000);
                answer += "slow done\n";
            }
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
            response.write(true, ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8)), callback);
            return true;
        }
    }
}
