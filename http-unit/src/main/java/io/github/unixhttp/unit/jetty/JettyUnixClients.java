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
 * <p>Abstract names are not supported: HttpClient's connector registers channels with the JDK's selectors, and
 * only jnr's channels (which need jnr's selector) can reach abstract names.</p>
 */
public final class JettyUnixClients
{
    private JettyUnixClients()
    {
    }

    /**
     * @return the transport that sends a request to {@code endpoint}; equal transports share pooled connections
     * @throws UnsupportedOperationException for an abstract name
     */
    public static Transport transport(UnixEndpoint endpoint, UnixClientOptions options)
    {
        if (endpoint.isAbstract())
            throw new UnsupportedOperationException("Jetty's HttpClient cannot reach the abstract name " + endpoint +
                ": its selectors take only the JDK's channels, which refuse abstract names. Use UnixHttpClients " +
                "(Apache classic) for abstract names, or listen on a socket file");
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
