package io.github.unixhttp.unit.internal.okhttp;

import java.io.IOException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;

/**
 * The OkHttp client's proxy selector: no proxy, for every URI. Unlike the JVM's default selector it reads no
 * {@code http.proxyHost} or {@code socksProxyHost} property and no system setting, so that a proxy configured for
 * the JVM's TCP clients never applies to a Unix socket's. OkHttp consults it only when the client's proxy is unset
 * ({@code proxy(null)}): the client is built with {@link Proxy#NO_PROXY}.
 */
public final class NoProxies extends ProxySelector
{
    public static final NoProxies INSTANCE = new NoProxies();

    private NoProxies()
    {
    }

    @Override
    public List<Proxy> select(URI uri)
    {
        return List.of(Proxy.NO_PROXY);
    }

    @Override
    public void connectFailed(URI uri, SocketAddress proxy, IOException failure)
    {
        // There is no proxy to mark as failing.
    }

    @Override
    public String toString()
    {
        return "NoProxies";
    }
}
