package io.github.unixhttp.unit.jetty;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.unit.UnixClientOptions;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * Jetty's WebSocket client over a Unix socket, one call from an address (a socket file or a Linux abstract name).
 *
 * <pre>{@code
 * WebSocketClient webSocketClient = JettyUnixWebSockets.newWebSocketClient(UnixSocketAddress.parse("/run/app.sock"), options);
 * webSocketClient.start();
 * Session session = webSocketClient.connect(myEndpoint, URI.create("ws://localhost/events")).get();
 * }</pre>
 *
 * <p>Every connection goes to the address, whatever the {@code ws://} URI names (write {@code ws://localhost/path}):
 * the WebSocket client runs on an HttpClient from {@link JettyUnixClients#newHttpClient(UnixSocketAddress, UnixClientOptions)},
 * so the upgrade request gets the address's transport, with the options' connect timeout and server identity
 * check (before the upgrade request is written). It never connects over TCP: an upgrade request given another
 * transport (by a listener's {@code onHandshakeRequest}), or one a proxy configuration would send to a proxy, fails
 * with {@link io.github.unixhttp.unit.UnixRouteException}.</p>
 *
 * <p>Needs {@code org.eclipse.jetty.websocket:jetty-websocket-jetty-client} (of the Jetty version in use) on the
 * class path, which this library does not bring along: it lives in a class of its own so that the HTTP clients work
 * without it.</p>
 */
public final class JettyUnixWebSockets
{
    private JettyUnixWebSockets()
    {
    }

    /**
     * @return a new (not started) WebSocket client whose connections all go to {@code address}; its HttpClient
     *         ({@link WebSocketClient#getHttpClient()}) is started and stopped with it
     */
    public static WebSocketClient newWebSocketClient(UnixSocketAddress address, UnixClientOptions options)
    {
        return new WebSocketClient(JettyUnixClients.newHttpClient(address, options));
    }

    /**
     * @return {@link #newWebSocketClient(UnixSocketAddress, UnixClientOptions)} with default options
     */
    public static WebSocketClient newWebSocketClient(UnixSocketAddress address)
    {
        return newWebSocketClient(address, UnixClientOptions.defaults());
    }
}
