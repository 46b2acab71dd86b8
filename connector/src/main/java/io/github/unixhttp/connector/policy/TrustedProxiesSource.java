package io.github.unixhttp.connector.policy;

/**
 * A connector that knows which peers are trusted proxies. {@link TrustedForwardedCustomizer} asks the connector of
 * each request, so one HTTP configuration can serve several connectors, each with its own proxies.
 */
public interface TrustedProxiesSource
{
    /**
     * @return the peers whose PROXY protocol header and forwarded headers are believed
     */
    PeerPolicy getTrustedProxies();
}
