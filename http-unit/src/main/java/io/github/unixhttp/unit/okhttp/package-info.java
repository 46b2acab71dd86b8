/**
 * OkHttp (and Retrofit on it) over a Unix socket. Start with
 * {@link io.github.unixhttp.unit.okhttp.UnixOkHttpClients#newClient(io.github.unixhttp.core.UnixSocketAddress)}, or
 * {@code builder(address, options)} for an {@code OkHttpClient.Builder} with the Unix parts already set. Every
 * connection goes to the one socket, never over TCP or through a proxy. Needs OkHttp 5, an optional dependency of
 * this module.
 */
package io.github.unixhttp.unit.okhttp;
