/**
 * Spring Boot's embedded Jetty on a Unix socket. Nothing to call: with this artifact on the class path,
 * {@link io.github.unixhttp.unit.spring.UnixHttpServerAutoConfiguration} serves on the socket that
 * {@code unixhttp.server.socket-path} (or {@code unixhttp.server.inherit}) names; the other properties are those of
 * {@link io.github.unixhttp.unit.spring.UnixHttpServerProperties}. Controllers receive the peer's credentials as a
 * {@code PeerCredentials} parameter ({@link io.github.unixhttp.unit.spring.PeerCredentialsArgumentResolver}).
 */
package io.github.unixhttp.unit.spring;

