package io.github.unixhttp.unit;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import io.github.unixhttp.unit.apache.UnixHttpAsyncClients;
import io.github.unixhttp.unit.apache.UnixHttpClients;
import io.github.unixhttp.unit.jetty.JettyUnixClients;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * In a directory others can write to without the sticky bit, an attacker swaps the socket file and a symbolic link
 * to another service of the same user (root) atomically, as fast as it can. The clients refuse a link, and connect to
 * the very file they checked: while it races, none of their requests (with their {@code Authorization} header) may
 * reach the other service, through any client, on any attempt.
 */
class SwappedPathRaceTest
{
    private static final int REQUESTS_PER_CLIENT = 334;
    private static final UnixClientOptions ROOT = UnixClientOptions.builder().serverIdentity(ServerIdentityCheck.uid(0)).build();

    @TempDir
    Path tmp;

    @Test
    void noRequestReachesAnotherServiceSwappedInAtThePath() throws Exception
    {
        Requirements.requireLinuxLayer("connecting through the checked file (O_PATH, /proc/self/fd): the portable layer checks by path, then connects by path");
        Requirements.requireRoot();
        Requirements.requireCommand("python3");
        Path shared = Files.createDirectory(Run.openToOthers(tmp).resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path other = Files.createDirectory(tmp.resolve("other")).resolve("other.sock");
        Path socket = shared.resolve("app.sock");
        Path stop = tmp.resolve("stop");
        Path script = tmp.resolve("swap_in_link.py");
        try (var in = getClass().getResourceAsStream("/clients/swap_in_link.py"))
        {
            Files.copy(in, script);
        }
        AtomicInteger reachedOther = new AtomicInteger();
        Server app = serve(socket, "app", new AtomicInteger());
        Server otherService = serve(other, "other", reachedOther);
        Process attacker = new ProcessBuilder(Run.asOtherUser(List.of("/usr/bin/python3", script.toString(), socket.toString(),
            shared.resolve("link.sock").toString(), other.toString(), stop.toString()))).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        int[] outcomes = new int[3];
        try (BufferedReader output = new BufferedReader(new InputStreamReader(attacker.getInputStream())))
        {
            assertEquals("READY", output.readLine());
            UnixSocketAddress address = UnixSocketAddress.ofPath(socket);
            try (CloseableHttpClient classic = UnixHttpClients.custom(address, ROOT).build())
            {
                race("classic", outcomes, () -> classic.execute(request(new HttpGet("http://localhost/")),
                    response -> EntityUtils.toString(response.getEntity())));
            }
            try (CloseableHttpAsyncClient async = UnixHttpAsyncClients.custom(address, ROOT).build())
            {
                async.start();
                race("async", outcomes, () -> async.execute(SimpleRequestBuilder.get("http://localhost/")
                    .addHeader("Authorization", "Bearer secret").addHeader("Connection", "close").build(), null)
                    .get(30, TimeUnit.SECONDS).getBodyText());
            }
            HttpClient jetty = JettyUnixClients.newHttpClient(ROOT);
            jetty.start();
            try
            {
                race("jetty", outcomes, () -> jetty.newRequest("http://localhost/").transport(JettyUnixClients.transport(address, ROOT))
                    .headers(headers -> headers.put("Authorization", "Bearer secret").put("Connection", "close"))
                    .timeout(30, TimeUnit.SECONDS).send().getContentAsString());
            }
            finally
            {
                jetty.stop();
            }
            Files.createFile(stop);
            String swaps = output.readLine();
            System.out.println("Swaps: " + swaps + "; served by the app " + outcomes[0] + ", refused " + outcomes[1] +
                ", served by the other service " + outcomes[2]);
            assertTrue(Long.parseLong(swaps) > 1000, "the attacker raced: " + swaps + " swaps");
        }
        finally
        {
            attacker.destroyForcibly();
            app.stop();
            otherService.stop();
        }
        assertEquals(0, outcomes[2], "responses from the other service");
        assertEquals(0, reachedOther.get(), "requests the other service got");
        assertTrue(outcomes[0] > 0, "no request reached the app at all: the race says nothing");
    }

    private static HttpGet request(HttpGet get)
    {
        get.addHeader("Authorization", "Bearer secret");
        get.addHeader("Connection", "close");
        return get;
    }

    /** Counts: [0] served by the app, [1] refused or failed, [2] served by the other service. */
    private static void race(String client, int[] outcomes, Callable<String> request)
    {
        for (int i = 0; i < REQUESTS_PER_CLIENT; i++)
        {
            try
            {
                String body = request.call();
                outcomes[body.equals("app") ? 0 : body.equals("other") ? 2 : 1]++;
            }
            catch (Exception refusedOrFailed)
            {
                outcomes[1]++;
            }
        }
    }

    private static Server serve(Path socket, String name, AtomicInteger requests) throws Exception
    {
        Server server = new Server();
        UnixDomainServerConnector connector = new UnixDomainServerConnector(server);
        connector.setUnixDomainPath(socket);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract()
        {
            @Override
            public boolean handle(Request request, Response response, Callback callback)
            {
                requests.incrementAndGet();
                response.write(true, java.nio.ByteBuffer.wrap(name.getBytes(java.nio.charset.StandardCharsets.US_ASCII)), callback);
                return true;
            }
        });
        server.start();
        return server;
    }
}
