/**
 * How Jetty's clients reach a Unix socket: the transports (socket file, abstract name), the HttpClient that fails
 * closed, the client connector that opens only Unix sockets, the connect retry. Implementation of
 * {@code io.github.unixhttp.unit.jetty}: not API, no compatibility promise.
 */
package io.github.unixhttp.unit.internal.jetty;
