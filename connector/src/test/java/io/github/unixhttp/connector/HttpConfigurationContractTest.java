package io.github.unixhttp.connector;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import io.github.unixhttp.connector.policy.TrustedForwardedCustomizer;
import io.github.unixhttp.testing.Exchange;
import io.github.unixhttp.testing.TestHandler;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The connector never changes the HTTP configurations it is given: what a Unix socket needs is in a configuration
 * made for it, or the start fails saying what to add.
 */
class HttpConfigurationContractTest
{
    @TempDir
    Path tmp;

    @Test
    void aTcpConnectorSharingTheBaseConfigurationIsUnaffected() throws Exception
    {
        HttpConfiguration base = new HttpConfiguration();
        ForwardedRequestCustomizer forwarded = new ForwardedRequestCustomizer();
        base.addCustomizer(forwarded);
        Server server = new Server();
        ServerConnector tcp = new ServerConnector(server, new HttpConnectionFactory(base));
        tcp.setHost("127.0.0.1");
        UnixSocketConnector unix = new UnixSocketConnector(server, new HttpConnectionFactory(UnixSocketConnector.newHttpConfiguration(base)));
        unix.setSocketPath(tmp.resolve("shared.sock"));
        server.addConnector(tcp);
        server.addConnector(unix);
        server.setHandler(new TestHandler());
        server.start();
        try
        {
            assertEquals(List.of(forwarded), base.getCustomizers(), "the base configuration keeps its customizers");
            assertNull(base.getServerAuthority(), "the base configuration keeps its (absent) authority");

            String overTcp = tcpGet(tcp.getLocalPort(), "X-Forwarded-For: 203.0.113.9\r\n");
            assertTrue(overTcp.contains("remote=203.0.113.9"), "TCP believes forwarded headers as before:\n" + overTcp);
            assertTrue(overTcp.contains("host=127.0.0.1"), "TCP's authority is its own address:\n" + overTcp);
            assertTrue(overTcp.contains("peer=null"), overTcp);

            String overUnix = Exchange.get(tmp.resolve("shared.sock"), "/info");
            assertTrue(overUnix.contains("peer.uid="), overUnix);
            assertFalse(overUnix.contains("peer.uid=null"), "Unix requests carry credentials:\n" + overUnix);
            String forged = Exchange.exchange(tmp.resolve("shared.sock"), "GET /info HTTP/1.0\r\n" +
                "X-Forwarded-For: 203.0.113.9\r\n\r\n");
            assertTrue(forged.contains("host=localhost"), "a Unix request without Host gets localhost:\n" + forged);
        }
        finally
        {
            server.stop();
        }
    }

    @Test
    void theConfigurationForUnixSocketsWrapsForwardedHeadersAndAddsTheCustomizer()
    {
        HttpConfiguration base = new HttpConfiguration();
        ForwardedRequestCustomizer forwarded = new ForwardedRequestCustomizer();
        base.addCustomizer(forwarded);
        HttpConfiguration fit = UnixSocketConnector.newHttpConfiguration(base);
        assertEquals(2, fit.getCustomizers().size(), fit.getCustomizers().toString());
        assertTrue(fit.getCustomizers().get(0) instanceof UnixSocketCustomizer);
        assertSame(forwarded, ((TrustedForwardedCustomizer)fit.getCustomizers().get(1)).getForwardedRequestCustomizer());
        assertEquals("localhost", fit.getServerAuthority().getHost());
    }

    @Test
    void aPlainHttpConnectionFactoryWithoutTheCustomizerServesWithCredentialsAndItsConfigurationIsLeftAlone() throws Exception
    {
        HttpConfiguration given = new HttpConfiguration();
        HttpConnectionFactory factory = new HttpConnectionFactory(given);
        Server server = new Server();
        UnixSocketConnector connector = new UnixSocketConnector(server, factory);
        connector.setSocketPath(tmp.resolve("plain.sock"));
        server.addConnector(connector);
        server.setHandler(new TestHandler());
        server.start();
        try
        {
            String info = Exchange.get(tmp.resolve("plain.sock"), "/info");
            assertTrue(info.contains("peer.uid=") && !info.contains("peer.uid=null"), "requests carry credentials:\n" + info);
            assertTrue(given.getCustomizers().isEmpty(), "the configuration given is not changed: " + given.getCustomizers());
            assertEquals(List.of(factory), List.copyOf(connector.getConnectionFactories()), "the factories given are listed");
            HttpConnectionFactory serving = (HttpConnectionFactory)connector.getConnectionFactory("http/1.1");
            assertNotSame(factory, serving);
            assertTrue(serving.getHttpConfiguration().getCustomizer(UnixSocketCustomizer.class) != null);
        }
        finally
        {
            server.stop();
        }
    }

    @Test
    void aFactoryThatCannotBeCopiedWithoutTheCustomizerFailsTheStartNamingIt()
    {
        String message = refusedStart(new org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory(new HttpConfiguration()));
        assertTrue(message.contains("new UnixSocketCustomizer()") && message.contains("newHttpConfiguration"), message);
    }

    @Test
    void aPlainForwardedCustomizerFailsTheStartNamingTheWrapper()
    {
        HttpConfiguration configuration = UnixSocketConnector.newHttpConfiguration();
        configuration.addCustomizer(new ForwardedRequestCustomizer());
        String message = refusedStart(new HttpConnectionFactory(configuration));
        assertTrue(message.contains("TrustedForwardedCustomizer") && message.contains("any local user"), message);
    }

    @Test
    void aPlainForwardedCustomizerIsRefusedInAConfigurationWithoutTheCustomizerToo()
    {
        HttpConfiguration configuration = new HttpConfiguration();
        configuration.addCustomizer(new ForwardedRequestCustomizer());
        String message = refusedStart(new HttpConnectionFactory(configuration));
        assertTrue(message.contains("TrustedForwardedCustomizer") && message.contains("any local user"), message);
    }

    private String refusedStart(org.eclipse.jetty.server.ConnectionFactory factory)
    {
        Server server = new Server();
        UnixSocketConnector connector = new UnixSocketConnector(server, factory);
        connector.setSocketPath(tmp.resolve("refused.sock"));
        server.addConnector(connector);
        try
        {
            return assertThrows(IllegalStateException.class, server::start).getMessage();
        }
        finally
        {
            try
            {
                server.stop();
            }
            catch (Exception ignored)
            {
                // The start failed; nothing runs.
            }
            assertFalse(tmp.resolve("refused.sock").toFile().exists(), "a refused start leaves no socket");
        }
    }

    private static String tcpGet(int port, String extraHeaders) throws Exception
    {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port))
        {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /info HTTP/1.0\r\n" + extraHeaders + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
