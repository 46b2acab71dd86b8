package io.github.unixhttp.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.unit.UnixClientOptions;
import io.github.unixhttp.unit.apache.UnixHttpAsyncClients;
import io.github.unixhttp.unit.apache.UnixHttpClients;
import io.github.unixhttp.unit.jetty.JettyUnixClients;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.io.Transport;

/**
 * The client side: the same server driven by each client over our unit, over plain HttpClient 5.6
 * {@code setUnixDomainSocket}, and over TCP loopback; 16 threads for the classic client, 100 requests in flight
 * for the async ones.
 */
final class ClientBench
{
    private static final int THREADS = 16;
    private static final int IN_FLIGHT = 100;

    private final Duration duration;
    private final Duration warmUp;

    ClientBench(Duration duration, Duration warmUp)
    {
        this.duration = duration;
        this.warmUp = warmUp;
    }

    /** Drives each client against {@code socket} and TCP {@code port} of one server; records requests per second. */
    void run(int round, Path socket, int port, Results results) throws Exception
    {
        UnixSocketAddress address = UnixSocketAddress.ofPath(socket);
        UnixClientOptions options = UnixClientOptions.builder().maxConnections(IN_FLIGHT).build();
        String tcp = "http://127.0.0.1:" + port + "/";

        try (CloseableHttpClient unit = UnixHttpClients.custom(address, options).build();
             CloseableHttpClient plain = HttpClients.custom().setConnectionManager(classicPool())
                 .setDefaultRequestConfig(RequestConfig.custom().setUnixDomainSocket(socket).build()).build();
             CloseableHttpClient overTcp = HttpClients.custom().setConnectionManager(classicPool()).build())
        {
            inRotation(round, results, "classic", "c16", List.of(
                new Named("unixhttp-unit", () -> classic(unit, "http://localhost/")),
                new Named("plain-uds", () -> classic(plain, "http://localhost/")),
                new Named("tcp", () -> classic(overTcp, tcp))));
        }
        try (CloseableHttpAsyncClient unit = UnixHttpAsyncClients.custom(address, options).build();
             CloseableHttpAsyncClient plain = HttpAsyncClients.custom().setConnectionManager(asyncPool())
                 .setDefaultRequestConfig(RequestConfig.custom().setUnixDomainSocket(socket).build()).build();
             CloseableHttpAsyncClient overTcp = HttpAsyncClients.custom().setConnectionManager(asyncPool()).build())
        {
            unit.start();
            plain.start();
            overTcp.start();
            inRotation(round, results, "async", "inflight100", List.of(
                new Named("unixhttp-unit", () -> async(unit, "http://localhost/")),
                new Named("plain-uds", () -> async(plain, "http://localhost/")),
                new Named("tcp", () -> async(overTcp, tcp))));
        }
        HttpClient jetty = new HttpClient();
        jetty.setMaxConnectionsPerDestination(IN_FLIGHT);
        jetty.start();
        // Our transports connect only for our HttpClient (a plain one would send redirects over TCP).
        HttpClient unit = JettyUnixClients.newHttpClient(UnixClientOptions.defaults());
        unit.setMaxConnectionsPerDestination(IN_FLIGHT);
        unit.start();
        try
        {
            Transport unitTransport = JettyUnixClients.transport(address);
            Transport plainTransport = new Transport.TCPUnix(socket);
            inRotation(round, results, "jetty", "inflight100", List.of(
                new Named("unixhttp-unit", () -> jetty(unit, "http://localhost/", unitTransport)),
                new Named("plain-uds", () -> jetty(jetty, "http://localhost/", plainTransport)),
                new Named("tcp", () -> jetty(jetty, tcp, null))));
        }
        finally
        {
            unit.stop();
            jetty.stop();
        }
    }

    private record Named(String client, Measured measured)
    {
    }

    private interface Measured
    {
        double rate() throws Exception;
    }

    /**
     * In the first round every client once unmeasured (this JVM's JIT warms up on all alike), in later ones one
     * client (each round's server is a fresh JVM to warm up); then each measured, starting with a different one
     * every round so that none is always first.
     */
    private static void inRotation(int round, Results results, String family, String load, List<Named> clients) throws Exception
    {
        for (Named named : round == 1 ? clients : clients.subList(0, 1))
            named.measured().rate();
        for (int i = 0; i < clients.size(); i++)
        {
            Named named = clients.get((i + round) % clients.size());
            record(results, round, family, named.client(), load, named.measured().rate());
        }
    }

    /** Our classic client on a path and on an abstract name, for the abstract/path ratio h2load cannot give. */
    double classicRate(UnixSocketAddress address) throws Exception
    {
        try (CloseableHttpClient client = UnixHttpClients.custom(address, UnixClientOptions.builder().maxConnections(THREADS).build()).build())
        {
            return classic(client, "http://localhost/");
        }
    }

    /** Our Jetty client (100 requests in flight) on a path or an abstract name: abstract/path for the Jetty side. */
    double jettyRate(UnixSocketAddress address) throws Exception
    {
        HttpClient client = JettyUnixClients.newHttpClient(UnixClientOptions.defaults());
        client.setMaxConnectionsPerDestination(IN_FLIGHT);
        client.start();
        try
        {
            return jetty(client, "http://localhost/", JettyUnixClients.transport(address));
        }
        finally
        {
            client.stop();
        }
    }

    private static void record(Results results, int round, String family, String client, String load, double rate)
    {
        results.add(new Results.Measurement(round, "client-" + family, client, load, "-", rate, "req/s"));
    }

    private static org.apache.hc.client5.http.io.HttpClientConnectionManager classicPool()
    {
        return PoolingHttpClientConnectionManagerBuilder.create().setMaxConnTotal(IN_FLIGHT).setMaxConnPerRoute(IN_FLIGHT).build();
    }

    private static org.apache.hc.client5.http.nio.AsyncClientConnectionManager asyncPool()
    {
        return PoolingAsyncClientConnectionManagerBuilder.create().setMaxConnTotal(IN_FLIGHT).setMaxConnPerRoute(IN_FLIGHT).build();
    }

    private double classic(CloseableHttpClient client, String uri) throws Exception
    {
        return timed(counter ->
        {
            List<Thread> threads = new ArrayList<>();
            AtomicBoolean running = new AtomicBoolean(true);
            for (int i = 0; i < THREADS; i++)
            {
                Thread thread = new Thread(() ->
                {
                    while (running.get())
                    {
                        try
                        {
                            client.execute(new HttpGet(uri), response ->
                            {
                                EntityUtils.consume(response.getEntity());
                                return null;
                            });
                            counter.incrementAndGet();
                        }
                        catch (Exception failure)
                        {
                            throw new IllegalStateException(failure);
                        }
                    }
                });
                thread.start();
                threads.add(thread);
            }
            return () ->
            {
                running.set(false);
                for (Thread thread : threads)
                    thread.join();
            };
        });
    }

    private double async(CloseableHttpAsyncClient client, String uri) throws Exception
    {
        return timed(counter -> inFlight(counter, done -> client.execute(SimpleRequestBuilder.get(uri).build(), new FutureCallback<SimpleHttpResponse>()
        {
            @Override
            public void completed(SimpleHttpResponse response)
            {
                done.run();
            }

            @Override
            public void failed(Exception failure)
            {
                done.run();
            }

            @Override
            public void cancelled()
            {
                done.run();
            }
        })));
    }

    private double jetty(HttpClient client, String uri, Transport transport) throws Exception
    {
        return timed(counter -> inFlight(counter, done ->
        {
            var request = client.newRequest(uri);
            if (transport != null)
                request.transport(transport);
            request.send(result -> done.run());
        }));
    }

    /** Keeps {@value #IN_FLIGHT} requests in flight with {@code send}, counting completions. */
    private static Stopper inFlight(AtomicLong counter, java.util.function.Consumer<Runnable> send)
    {
        Semaphore slots = new Semaphore(IN_FLIGHT);
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread driver = new Thread(() ->
        {
            try
            {
                while (running.get())
                {
                    if (slots.tryAcquire(100, TimeUnit.MILLISECONDS))
                        send.accept(() ->
                        {
                            counter.incrementAndGet();
                            slots.release();
                        });
                }
                slots.acquire(IN_FLIGHT);
            }
            catch (InterruptedException ignored)
            {
                Thread.currentThread().interrupt();
            }
            finally
            {
                stopped.countDown();
            }
        });
        driver.start();
        return () ->
        {
            running.set(false);
            stopped.await(30, TimeUnit.SECONDS);
        };
    }

    private interface Stopper
    {
        void stop() throws Exception;
    }

    private interface Load
    {
        Stopper start(AtomicLong counter) throws Exception;
    }

    /** Runs the load for warm-up plus duration; returns completions per second during the measured part. */
    private double timed(Load load) throws Exception
    {
        AtomicLong counter = new AtomicLong();
        Stopper stopper = load.start(counter);
        Thread.sleep(warmUp.toMillis());
        long before = counter.get();
        long start = System.nanoTime();
        Thread.sleep(duration.toMillis());
        long after = counter.get();
        double seconds = (System.nanoTime() - start) / 1e9;
        stopper.stop();
        return (after - before) / seconds;
    }
}
