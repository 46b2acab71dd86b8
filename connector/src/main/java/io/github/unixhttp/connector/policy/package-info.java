/**
 * Who may connect, and whose forwarded headers to believe, decided from the peer's credentials. Start with
 * {@link io.github.unixhttp.connector.policy.PeerPolicy#builder()} (which builds
 * {@link io.github.unixhttp.connector.policy.PeerRules}) for the connector's peer policy; a policy answers
 * each peer with a {@link io.github.unixhttp.connector.policy.Verdict}. For a proxy in front of the socket (nginx),
 * {@link io.github.unixhttp.connector.policy.TrustedForwardedCustomizer} applies {@code Forwarded} headers only from
 * the connector's trusted proxies.
 */
package io.github.unixhttp.connector.policy;
