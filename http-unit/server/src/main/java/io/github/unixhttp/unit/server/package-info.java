/**
 * Serving HTTP on a Unix socket without assembling Jetty by hand. Start with
 * {@link io.github.unixhttp.unit.server.UnixHttpServer#serve} or
 * {@link io.github.unixhttp.unit.server.UnixHttpServer#builder};
 * {@link io.github.unixhttp.unit.server.UnixSocketSettings} reads a connector's settings as configuration files
 * give them (text), for the framework integrations.
 */
package io.github.unixhttp.unit.server;
