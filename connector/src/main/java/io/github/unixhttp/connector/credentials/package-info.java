/**
 * Who is on the other end of a Unix socket connection, as the kernel vouches for it:
 * {@link io.github.unixhttp.connector.credentials.PeerCredentials}, put on each request by the
 * {@link io.github.unixhttp.connector.credentials.PeerCredentialsCustomizer}, and reported for each accepted or
 * refused connection to a {@link io.github.unixhttp.connector.credentials.PeerListener}. Start with the request
 * attribute names {@code PeerCredentials} documents.
 */
package io.github.unixhttp.connector.credentials;
