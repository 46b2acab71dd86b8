/**
 * Jetty's HttpClient and WebSocket client over a Unix socket (a socket file or a Linux abstract name). Start with
 * {@link io.github.unixhttp.unit.jetty.JettyUnixClients#newHttpClient(io.github.unixhttp.core.UnixSocketAddress,
 * io.github.unixhttp.unit.UnixClientOptions)}, an HttpClient that sends every request to one socket and never over
 * TCP, or {@link io.github.unixhttp.unit.jetty.JettyUnixWebSockets} for WebSockets.
 */
package io.github.unixhttp.unit.jetty;
