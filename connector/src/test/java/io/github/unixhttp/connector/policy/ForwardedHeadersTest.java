package io.github.unixhttp.connector.policy;

import java.nio.file.Path;

import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.testing.Exchange;
import io.github.unixhttp.testing.LogCapture;
import io.github.unixhttp.testing.TestServer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whatever forwarded header a trusted proxy sends, the request is either served with the forwarded client (the port
 * 0 when none was given) or answered 400: never a 500, and never a stack trace in the log. Sent over the socket by this
 * JVM's user, whom the connector trusts as a proxy.
 */
class ForwardedHeadersTest
{
    private static TestServer server;
    private static LogCapture log;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() throws Exception
    {
        HttpConfiguration config = UnixSocketConnector.newHttpConfiguration();
        config.addCustomizer(new TrustedForwardedCustomizer());
        server = TestServer.start(tmp.resolve("fwd.sock"),
            connector -> connector.setTrustedProxies(PeerPolicy.builder().allowSameUser().build()), new HttpConnectionFactory(config));
        log = LogCapture.start();
    }

    @AfterAll
    static void stop() throws Exception
    {
        log.close();
        server.close();
    }

    @BeforeEach
    void clearLog()
    {
        log.clear();
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
        // applied, no port
        "Forwarded       | for=7.7.7.7                    | 200 7.7.7.7 0",
        "X-Forwarded-For | 7.7.7.7                        | 200 7.7.7.7 0",
        "Forwarded       | for=\"7.7.7.7\"                | 200 7.7.7.7 0",
        // applied, with a port
        "Forwarded       | for=\"7.7.7.7:4711\"           | 200 7.7.7.7 4711",
        "X-Forwarded-For | 7.7.7.7:4711                   | 200 7.7.7.7 4711",
        // IPv6
        "Forwarded       | for=\"[2001:db8::1]\"          | 200 [2001:db8::1] 0",
        "Forwarded       | for=\"[2001:db8::1]:4711\"     | 200 [2001:db8::1] 4711",
        "X-Forwarded-For | 2001:db8::1                    | 200 [2001:db8::1]",
        "X-Forwarded-For | [2001:db8::1]                  | 200 [2001:db8::1]",
        "X-Forwarded-For | [2001:db8::1]:4711             | 200 [2001:db8::1] 4711",
        // several hops: the left-most is the client
        "X-Forwarded-For | 7.7.7.7, 10.0.0.1              | 200 7.7.7.7",
        "Forwarded       | for=7.7.7.7, for=10.0.0.1      | 200 7.7.7.7",
        // RFC 7239 identifiers that are no address: the connection's own peer stays
        "Forwarded       | for=unknown                    | 200 (unix)",
        "Forwarded       | for=_hidden                    | 200 (unix)",
        "Forwarded       | for=\"_hidden:4711\"           | 200 (unix)",
        // nonsense
        "Forwarded       | for=\"[2001:db8::1\"           | 400",
        "Forwarded       | for=\"7.7.7.7:99999\"          | 400",
        "Forwarded       | for=\"7.7.7.7:x\"              | 400",
        "X-Forwarded-For | 7.7.7.7:notaport               | 400",
        "X-Forwarded-For | [2001:db8::1                   | 400",
        "X-Forwarded-For | 2001:db8::1]:80                | 400",
        "X-Forwarded-Port | abc                           | 400",
        "X-Forwarded-Host | [bad                          | 400",
        "X-Proxied-Https | maybe                          | 400",
    })
    void appliedOr400NeverA500(String header, String value, String expected) throws Exception
    {
        String response = Exchange.exchange(server.socket(), "GET /info HTTP/1.1\r\nHost: localhost\r\n" + header + ": " + value +
            "\r\nConnection: close\r\n\r\n");
        String status = response.substring(9, 12);
        String[] want = expected.split(" ");
        assertEquals(want[0], status, response);
        if (want.length > 1 && want[1].equals("(unix)"))
            assertTrue(response.contains("\nremote=\nremote.type=java.net.UnixDomainSocketAddress\n"), response);
        else if (want.length > 1)
            assertTrue(response.contains("\nremote=" + want[1]), response);
        if (want.length > 2)
            assertTrue(response.contains("\nremote.port=" + want[2] + "\n"), response);
        String logged = log.text();
        // Jetty's own address parser says "Bad port [x]" in one line, as it does for a bad Host header from anyone.
        assertFalse(logged.contains("\tat ") || logged.contains("Exception") || logged.lines().count() > 1,
            "the server logged a stack trace or more than a line:\n" + logged);
    }
}
