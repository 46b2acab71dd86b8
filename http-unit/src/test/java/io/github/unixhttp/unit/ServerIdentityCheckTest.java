package io.github.unixhttp.unit;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import io.github.unixhttp.testing.TestServer;
import io.github.unixhttp.unit.apache.UnixHttpAsyncClients;
import io.github.unixhttp.unit.apache.UnixHttpClients;
import io.github.unixhttp.unit.jetty.JettyUnixClients;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client-side check of who serves a socket: a squatter running as another user gets the connection but not a
 * single byte of the request; the right server passes.
 */
class ServerIdentityCheckTest
{
    private static final UnixClientOptions ROOT_ONLY = UnixClientOptions.builder().serverIdentity(ServerIdentityCheck.uid(0)).build();

    @TempDir
    Path tmp;

    @Test
    void eachClientRefusesASquatterBeforeWritingAByte() throws Exception
    {
        Requirements.requireRoot();
        Path shared = Files.createDirectory(Run.openToOthers(tmp).resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path socket = shared.resolve("daemon.sock");
        Path stop = shared.resolve("stop");
        Path script = shared.resolve("squatter.py");
        try (var in = getClass().getResourceAsStream("/clients/squatter.py"))
        {
            Files.copy(in, script);
        }
        Process squatter = new ProcessBuilder(Run.asOtherUser(List.of("/usr/bin/python3", script.toString(), socket.toString(), stop.toString())))
            .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader output = new BufferedReader(new InputStreamReader(squatter.getInputStream())))
        {
            assertEquals("LISTENING", output.readLine());
            UnixEndpoint endpoint = UnixEndpoint.ofPath(socket);

            try (CloseableHttpClient classic = UnixHttpClients.custom(endpoint, ROOT_ONLY).build())
            {
                assertRefusedSquatter(() -> classic.execute(new HttpGet("http://localhost/secret"), response -> null));
            }
            try (CloseableHttpAsyncClient async = UnixHttpAsyncClients.custom(endpoint, ROOT_ONLY).build())
            {
                async.start();
                assertRefusedSquatter(() -> async.execute(SimpleRequestBuilder.get("http://localhost/secret").build(), null)
                    .get(30, TimeUnit.SECONDS));
            }
            HttpClient jetty = new HttpClient();
            jetty.start();
            try
            {
                assertRefusedSquatter(() -> jetty.newRequest("http://localhost/secret")
                    .transport(JettyUnixClients.transport(endpoint, ROOT_ONLY)).timeout(30, TimeUnit.SECONDS).send());
            }
            finally
            {
                jetty.stop();
            }

            Files.createFile(stop);
            String counts = output.readLine();
            System.out.println("Squatter saw: " + counts);
            assertTrue(counts.matches("connections=([3-9]|[1-9]\\d+) bytes=0"), "the squatter got request bytes: " + counts);
        }
        finally
        {
            squatter.destroyForcibly();
        }
    }

    @Test
    void theRightServerPassesTheCheck() throws Exception
    {
        Path socket = tmp.resolve("app.sock");
        UnixClientOptions sameUser = UnixClientOptions.builder().serverIdentity(ServerIdentityCheck.sameUser()).build();
        try (TestServer server = TestServer.start(socket);
             CloseableHttpClient classic = UnixHttpClients.custom(UnixEndpoint.ofPath(socket), sameUser).build();
             CloseableHttpAsyncClient async = UnixHttpAsyncClients.custom(UnixEndpoint.ofPath(socket), sameUser).build())
        {
            assertEquals("hello", classic.execute(new HttpGet("http://localhost/"), response -> EntityUtils.toString(response.getEntity())));
            async.start();
            assertEquals("hello", async.execute(SimpleRequestBuilder.get("http://localhost/").build(), null).get(30, TimeUnit.SECONDS).getBodyText());
            HttpClient jetty = new HttpClient();
            jetty.start();
            try
            {
                assertEquals("hello", jetty.newRequest("http://localhost/").transport(JettyUnixClients.transport(UnixEndpoint.ofPath(socket), sameUser))
                    .send().getContentAsString());
            }
            finally
            {
                jetty.stop();
            }
            assertEquals(3, server.handler().handled());
        }
    }

    private static void assertRefusedSquatter(Executable request)
    {
        Throwable failure = assertThrows(Exception.class, request);
        Throwable cause = failure;
        while (cause != null && !(cause instanceof ServerIdentityException))
            cause = cause.getCause();
        assertTrue(cause instanceof ServerIdentityException, "not refused for identity: " + failure);
        assertTrue(cause.getMessage().contains("uid=65534(nobody)") && cause.getMessage().contains("uid 0 is required"), cause.getMessage());
    }
}
