package io.github.unixhttp.unit.jetty;

import io.github.unixhttp.unit.UnixClientOptions;
import io.github.unixhttp.unit.UnixEndpoint;
import io.github.unixhttp.unit.UnixUrl;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.io.Transport;

/**
 * Jetty's HttpClient over a Unix socket file, one call from an endpoint or an {@code http+unix} URL.
 *
 * <pre>{@code
 * ContentResponse response = JettyUnixClients.newRequest(httpClient, "http+unix://%2Frun%2Fapp.sock/status").send();
 * httpClient.newRequest("http://localhost/status").transport(JettyUnixClients.transport(endpoint)).send();
 * }</pre>
 *
 * <p>Abstract names ({@code @name}) work too: those connections are made on jnr's channels by a second client
 * connector on jnr's selector, added to the HttpClient as a bean (its executor, started and stopped with it), then
 * run by the HttpClient like any other.</p>
 */
public final class JettyUnixClients
{
    private JettyUnixClients()
    {
    }

    /**
     * @return the transport that sends a request to {@code endpoint} (a socket file, or a Linux abstract name);
     *         equal transports share pooled connections
     */
    public static Transport transport(UnixEndpoint endpoint, UnixClientOptions options)
    {
        if (endpoint.isAbstract())
            return new AbstractNameTransport(endpoint.abstractName(), options.serverIdentity());
        return new UnixTransport(endpoint.path(), options.serverIdentity());
    }

    public static Transport transport(UnixEndpoint endpoint)
    {
        return transport(endpoint, UnixClientOptions.defaults());
    }

    /**
     * @param url an {@code http+unix://} URL
     * @return a request for the URL's path on the URL's socket, with {@code Host: localhost}
     */
    public static Request newRequest(HttpClient client, String url, UnixClientOptions options)
    {
        UnixUrl parsed = UnixUrl.parse(url);
        return client.newRequest(parsed.requestUri()).transport(transport(parsed.endpoint(), options));
    }

    public static Request newRequest(HttpClient client, String url)
    {
        return newRequest(client, url, UnixClientOptions.defaults());
    }

    /**
     * @return a new (not started) HttpClient whose connect timeout is the options'
     */
    public static HttpClient newHttpClient(UnixClientOptions options)
    {
        HttpClient client = new HttpClient();
        client.setConnectTimeout(options.connectTimeout().toMillis());
        return client;
    }
}
