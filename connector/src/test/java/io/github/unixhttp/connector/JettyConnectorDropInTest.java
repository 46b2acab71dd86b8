package io.github.unixhttp.connector;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.core.PeerCredentials;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpProxy;
import org.eclipse.jetty.client.Origin;
import org.eclipse.jetty.client.ProxyProtocolClientConnectionFactory;
import org.eclipse.jetty.client.transport.HttpClientTransportDynamic;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ProxyConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Code written for Jetty's {@code UnixDomainServerConnector} works with the class swapped: the constructor with a
 * plain {@code HttpConnectionFactory}, the {@code setUnixDomainPath} setter, the endpoint's addresses, the PROXY
 * protocol in front, and an {@code IOException} for a socket in a directory that does not exist. What it adds comes
 * along: requests carry the peer's credentials.
 */
class JettyConnectorDropInTest
{
    @TempDir
    Path tmp;
    Server server;
    final List<String> failures = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception
    {
        if (server != null)
            server.stop();
    }

    @Test
    void servesWithAPlainHttpConnectionFactoryAndReportsUnixAddresses() throws Exception
    {
        Path socket = start(new ConnectionFactory[]{new HttpConnectionFactory()}, (request, endPoint) ->
        {
            check(request.getHttpURI().asString().equals("http://localhost:1234/path"), "the URI as sent: " + request.getHttpURI());
            check(endPoint.getLocalSocketAddress() instanceof UnixDomainSocketAddress, "local address " + endPoint.getLocalSocketAddress());
            check(endPoint.getRemoteSocketAddress() instanceof UnixDomainSocketAddress, "remote address " + endPoint.getRemoteSocketAddress());
            check(request.getAttribute(PeerCredentials.ATTRIBUTE) instanceof PeerCredentials, "credentials as an attribute");
            check(endPoint.toString() != null, "toString");
        });
        assertEquals(200, send(socket, "http://localhost:1234/path", null).getStatus());
        assertEquals(List.of(), failures);
    }

    @Test
    void aRequestThroughAnHttpProxyKeepsItsAbsoluteUri() throws Exception
    {
        Path socket = start(new ConnectionFactory[]{new HttpConnectionFactory()}, (request, endPoint) ->
        {
            check(request.getHttpURI().getScheme() != null, "an absolute URI: " + request.getHttpURI());
            check(request.getHttpURI().getPort() == 5678, "the origin's port: " + request.getHttpURI());
        });
        HttpClient client = new HttpClient(new HttpClientTransportDynamic());
        Origin proxy = new Origin("http", new Origin.Address("localhost", 4567), null,
            new Origin.Protocol(List.of("http/1.1"), false), new Transport.TCPUnix(socket));
        client.getProxyConfiguration().addProxy(new HttpProxy(proxy, null));
        client.start();
        try
        {
            assertEquals(200, client.newRequest("localhost", 5678).transport(new Transport.TCPUnix(socket))
                .timeout(5, TimeUnit.SECONDS).send().getStatus());
        }
        finally
        {
            client.stop();
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void aSocketInADirectoryThatDoesNotExistFailsTheStartWithAnIOException()
    {
        server = new Server();
        UnixSocketConnector connector = new UnixSocketConnector(server, new HttpConnectionFactory());
        connector.setUnixDomainPath(tmp.resolve("no-such-directory").resolve("app.sock"));
        server.addConnector(connector);
        assertThrows(IOException.class, server::start);
    }

    @Test
    void theProxyProtocolInFrontKeepsUnixAddressesOrTakesThoseItNames() throws Exception
    {
        Path[] socket = new Path[1];
        socket[0] = start(new ConnectionFactory[]{new ProxyConnectionFactory(), new HttpConnectionFactory()}, (request, endPoint) ->
        {
            check(endPoint instanceof ProxyConnectionFactory.ProxyEndPoint, "a PROXY endpoint: " + endPoint);
            UnixDomainSocketAddress local = (UnixDomainSocketAddress)endPoint.getLocalSocketAddress();
            UnixDomainSocketAddress remote = (UnixDomainSocketAddress)endPoint.getRemoteSocketAddress();
            if (Request.getPathInContext(request).equals("/v1"))
                check(local.getPath().equals(socket[0]), "v1 (UNKNOWN) keeps the socket's own address: " + local);
            else
                check(local.getPath().toString().equals("/to") && remote.getPath().toString().equals("/from"), "v2 names " + local + " " + remote);
        });
        assertEquals(200, send(socket[0], "http://localhost/v1", new ProxyProtocolClientConnectionFactory.V1.Tag()).getStatus());
        var v2 = new ProxyProtocolClientConnectionFactory.V2.Tag(ProxyProtocolClientConnectionFactory.V2.Tag.Command.PROXY,
            ProxyProtocolClientConnectionFactory.V2.Tag.Family.UNIX, ProxyProtocolClientConnectionFactory.V2.Tag.Protocol.STREAM,
            "/from", 0, "/to", 0, null);
        assertEquals(200, send(socket[0], "http://localhost/v2", v2).getStatus());
        assertEquals(List.of(), failures);
    }

    @Test
    void theUnixDomainPathNamesAreTheSocketPath()
    {
        UnixSocketConnector connector = new UnixSocketConnector(new Server());
        connector.setUnixDomainPath(tmp.resolve("a.sock"));
        assertEquals(tmp.resolve("a.sock"), connector.getSocketPath());
        assertEquals(tmp.resolve("a.sock"), connector.getUnixDomainPath());
    }

    private interface Check
    {
        void on(Request request, EndPoint endPoint);
    }

    private void check(boolean holds, String what)
    {
        if (!holds)
            failures.add(what);
    }

    private Path start(ConnectionFactory[] factories, Check check) throws Exception
    {
        Path socket = Files.createTempFile(tmp, "unix_", ".sock");
        Files.delete(socket);
        server = new Server();
        UnixSocketConnector connector = new UnixSocketConnector(server, factories);
        connector.setUnixDomainPath(socket);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract()
        {
            @Override
            public boolean handle(Request request, Response response, Callback callback)
            {
                check.on(request, request.getConnectionMetaData().getConnection().getEndPoint());
                callback.succeeded();
                return true;
            }
        });
        server.start();
        return socket;
    }

    private static ContentResponse send(Path socket, String uri, Object tag) throws Exception
    {
        HttpClient client = new HttpClient(new HttpClientTransportDynamic());
        client.start();
        try
        {
            var request = client.newRequest(uri).transport(new Transport.TCPUnix(socket)).timeout(5, TimeUnit.SECONDS);
            if (tag != null)
                request.tag(tag);
            ContentResponse response = request.send();
            assertNotNull(response);
            return response;
        }
        finally
        {
            client.stop();
        }
    }
}
