/**
 * How the OkHttp client reaches a Unix socket: the socket factory and its sockets (connected through
 * {@link io.github.unixhttp.unit.internal.UnixDialer}), the DNS that looks nothing up, the proxy selector that
 * chooses none, the TLS refusal and the route check. Implementation of {@code io.github.unixhttp.unit.okhttp}: not
 * API, no compatibility promise.
 */
package io.github.unixhttp.unit.internal.okhttp;
