/**
 * HTTP clients for Unix domain sockets, on the address type they share with the server,
 * {@link io.github.unixhttp.core.UnixSocketAddress} (a socket file or a Linux abstract name).
 *
 * <p>Start with a client factory: {@link io.github.unixhttp.unit.apache.UnixHttpClients} (Apache HttpClient 5,
 * classic), {@link io.github.unixhttp.unit.apache.UnixHttpAsyncClients} (async),
 * {@link io.github.unixhttp.unit.jetty.JettyUnixClients} (Jetty's HttpClient) or
 * {@link io.github.unixhttp.unit.jetty.JettyUnixWebSockets}; to serve, {@code io.github.unixhttp.unit.server.UnixHttpServer}
 * in the {@code unixhttp-server} artifact (this one brings no Jetty server).
 * This package holds what they share: {@link io.github.unixhttp.unit.UnixClientOptions} (connect timeout, pool size,
 * {@link io.github.unixhttp.unit.ServerIdentityCheck}), the refusals the clients throw
 * ({@link io.github.unixhttp.unit.ServerIdentityException}, {@link io.github.unixhttp.unit.SocketFileException},
 * {@link io.github.unixhttp.unit.UnixRouteException}) and {@link io.github.unixhttp.unit.UnixUrl}, the
 * {@code http+unix://} URL.</p>
 *
 * <p><b>Accessor style.</b> Values (immutable: options, checks, addresses, URLs, and what an exception reports) read
 * record-style, {@code connectTimeout()}, {@code problem()}; Jetty components and what holds them read and write
 * bean-style, {@code getConnector()}, {@code setPath(...)}, as Jetty XML, JMX and configuration binders need.
 * {@code io.github.unixhttp.unit.internal} and its sub-packages are the implementation: not API, no compatibility
 * promise.</p>
 */
package io.github.unixhttp.unit;
