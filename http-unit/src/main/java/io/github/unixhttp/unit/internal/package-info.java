/**
 * The implementation of the unixhttp-unit clients: dialing a socket
 * ({@link io.github.unixhttp.unit.internal.UnixDialer}),
 * the connect retry while a server's backlog is full ({@link io.github.unixhttp.unit.internal.ConnectRetry}).
 * Public only so that the client factories in other packages can use it: not API, no compatibility promise; use
 * the factories of {@code io.github.unixhttp.unit.apache} and {@code io.github.unixhttp.unit.jetty} instead.
 */
package io.github.unixhttp.unit.internal;
