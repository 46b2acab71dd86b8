package io.github.unixhttp.unit.spring;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.github.unixhttp.core.PeerCredentials;
import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A WebFlux application on Jetty, served on the socket: the peer's credentials are on the exchange, as request
 * attributes and as handler parameters; over TCP (keep-tcp) there are none, and a method that needs them is refused.
 */
class WebFluxPeerCredentialsTest
{
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int UID = (int)new com.sun.security.auth.module.UnixSystem().getUid();

    @TempDir
    Path tmp;

    @Test
    void theCredentialsAreOnTheExchangeAndAreHandlerParameters() throws Exception
    {
        Requirements.requireCommand("curl");
        Path socket = tmp.resolve("flux.sock");
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(PeerFluxApp.class).web(WebApplicationType.REACTIVE)
            .properties("unixhttp.server.socket-path=" + socket, "unixhttp.server.keep-tcp=true", "server.port=0").run())
        {
            String overSocket = socket.toString();
            assertEquals("uid " + UID + " 200", curl(overSocket, "http://localhost/exchange"));
            assertEquals("uid " + UID + " 200", curl(overSocket, "http://localhost/peer"));
            assertEquals("uid " + UID + " 200", curl(overSocket, "http://localhost/attribute"));
            assertEquals("uid " + UID + " 200", curl(overSocket, "http://localhost/maybe"));

            var server = ((org.springframework.boot.jetty.JettyWebServer)((WebServerApplicationContext)app).getWebServer()).getServer();
            int port = 0;
            for (var connector : server.getConnectors())
            {
                if (connector instanceof ServerConnector tcp)
                    port = tcp.getLocalPort();
            }
            String overTcp = "http://127.0.0.1:" + port;
            assertEquals("none 200", curl(null, overTcp + "/exchange"));
            assertEquals("over TCP 200", curl(null, overTcp + "/maybe"));
            assertEquals("403", curl(null, overTcp + "/peer"));
        }
    }

    private static String curl(String unixSocket, String url) throws Exception
    {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-w", " %{http_code}", url));
        if (unixSocket != null)
            command.addAll(List.of("--unix-socket", unixSocket));
        String answer = Run.run(WAIT, command).requireSuccess().stdout();
        return answer.startsWith("{") ? answer.substring(answer.lastIndexOf(' ') + 1) : answer;
    }

    /** A WebFlux application: who is calling, four ways. */
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(PeerFluxApp.PeerController.class)
    static class PeerFluxApp
    {
        @RestController
        static class PeerController
        {
            @GetMapping("/exchange")
            Mono<String> exchange(ServerWebExchange exchange)
            {
                PeerCredentials peer = exchange.getAttribute(PeerCredentials.ATTRIBUTE);
                return Mono.just(peer == null ? "none" : "uid " + peer.uid());
            }

            @GetMapping("/peer")
            Mono<String> peer(PeerCredentials peer)
            {
                return Mono.just("uid " + peer.uid());
            }

            @GetMapping("/attribute")
            Mono<String> attribute(@RequestAttribute(name = PeerCredentials.UID_ATTRIBUTE) int uid)
            {
                return Mono.just("uid " + uid);
            }

            @GetMapping("/maybe")
            Mono<String> maybe(Optional<PeerCredentials> peer)
            {
                return Mono.just(peer.map(credentials -> "uid " + credentials.uid()).orElse("over TCP"));
            }
        }
    }
}
