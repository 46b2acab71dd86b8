/**
 * The socket file a {@link io.github.unixhttp.connector.UnixSocketConnector} binds: its permission bits
 * ({@link io.github.unixhttp.connector.binding.SocketFileMode}), what to do with a dead socket left at the path
 * ({@link io.github.unixhttp.connector.binding.StaleSocketPolicy}), and why a bind failed
 * ({@link io.github.unixhttp.connector.binding.SocketBindException}, whose
 * {@link io.github.unixhttp.connector.binding.BindProblem} a program can react to).
 */
package io.github.unixhttp.connector.binding;
