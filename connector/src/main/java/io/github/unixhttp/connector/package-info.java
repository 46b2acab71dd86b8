/**
 * A Jetty 12 connector that serves HTTP on a Unix domain socket. Start with
 * {@link io.github.unixhttp.connector.UnixSocketConnector}, added to a {@code Server} as a {@code ServerConnector}
 * would be, and {@link io.github.unixhttp.core.UnixSocketAddress}, where it listens: a socket file, a Linux
 * abstract name ({@code @name}) or a socket a supervisor passed (systemd, s6); clients use the same address type.
 * Its HTTP configuration needs a {@link io.github.unixhttp.connector.UnixSocketCustomizer}, which
 * {@link io.github.unixhttp.connector.UnixSocketConnector#newHttpConfiguration()} includes.
 *
 * <p>The sub-packages hold what a user configures or receives: {@code binding} (the socket file: its mode, a stale
 * socket, why a bind failed), {@code credentials} (who the peer is), {@code policy} (who may connect, whose
 * forwarded headers to believe) and {@code jmx}. {@code io.github.unixhttp.connector.internal} and its sub-packages
 * are the implementation: not API, no compatibility promise.</p>
 *
 * <p><b>Accessor style.</b> Values (immutable: addresses, credentials, verdicts, and what an exception reports) read
 * record-style, {@code path()}, {@code uid()}; Jetty components read and write bean-style, {@code getAddress()},
 * {@code setPeerPolicy(...)}, as Jetty XML and JMX need.</p>
 */
package io.github.unixhttp.connector;
