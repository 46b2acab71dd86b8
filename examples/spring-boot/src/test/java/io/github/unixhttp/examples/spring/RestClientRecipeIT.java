package io.github.unixhttp.examples.spring;

import java.nio.file.Path;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.unit.apache.UnixHttpAsyncClients;
import io.github.unixhttp.unit.apache.UnixHttpClients;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.util.VersionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's client recipe, on the httpclient5 a Spring Boot application gets: this module takes Boot's managed
 * versions (httpclient5 5.5.x and httpcore5 5.3.x in Boot 4.0), whose routes cannot name a Unix socket. Spring's
 * {@code RestClient} on our classic client reaches the example application over its socket; the async client, whose
 * I/O reactor needs httpcore5 5.4, says at once which versions to set.
 */
class RestClientRecipeIT
{
    @TempDir
    Path tmp;

    @Test
    void restClientOnTheClassicClientWorksOnBootsHttpClientAndTheAsyncClientSaysWhatItNeeds() throws Exception
    {
        String release = VersionInfo.loadVersionInfo("org.apache.hc.client5", HttpClientBuilder.class.getClassLoader()).getRelease();
        assertTrue(release.startsWith("5.5."), "this test is about Boot 4.0's httpclient5 5.5.x, not " + release);
        Path socket = tmp.resolve("app.sock");
        try (BootProcess app = BootProcess.start(tmp, "--unixhttp.server.socket-path=" + socket))
        {
            app.awaitOutput("Started SpringBootExample");
            UnixSocketAddress address = UnixSocketAddress.ofPath(socket);
            try (CloseableHttpClient http = UnixHttpClients.create(address))
            {
                RestClient client = RestClient.builder().requestFactory(new HttpComponentsClientHttpRequestFactory(http))
                    .baseUrl("http://localhost").build();
                String uid = client.get().uri("/uid").retrieve().body(String.class);
                assertEquals(Long.toString(new com.sun.security.auth.module.UnixSystem().getUid()), uid.trim());
                // Any host in the URL: still the socket, and no DNS is asked.
                assertEquals(uid, RestClient.builder().requestFactory(new HttpComponentsClientHttpRequestFactory(http))
                    .baseUrl("http://no-such-host.invalid:81").build().get().uri("/uid").retrieve().body(String.class));
            }
            // The async client needs httpcore5 5.4+ (Boot 4.0 manages 5.3): it says which versions to set, at once.
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> UnixHttpAsyncClients.create(address));
            assertTrue(refused.getMessage().contains("<httpcore5.version>5.4.4</httpcore5.version>"), refused.getMessage());
        }
    }
}
