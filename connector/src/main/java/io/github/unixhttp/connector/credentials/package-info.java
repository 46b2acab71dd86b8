/**
 * Who is on the other end of a Unix socket connection, as the kernel vouches for it:
 * {@link io.github.unixhttp.core.PeerCredentials}, put on each request by the
 * {@link io.github.unixhttp.connector.UnixSocketCustomizer} (under the attribute names {@code PeerCredentials}
 * documents), and reported for each accepted or refused connection to a
 * {@link io.github.unixhttp.connector.credentials.PeerListener}. Start with
 * {@code UnixSocketCustomizer.peerOf(request)}.
 */
package io.github.unixhttp.connector.credentials;

