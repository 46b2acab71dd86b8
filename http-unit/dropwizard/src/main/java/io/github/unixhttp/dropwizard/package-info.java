/**
 * Dropwizard's {@code type: unixhttp} connector. Nothing to call: with this artifact on the class path, a
 * {@code server.applicationConnectors} (or {@code adminConnectors}) entry of that type serves on a Unix socket;
 * its settings are those of {@link io.github.unixhttp.dropwizard.UnixHttpConnectorFactory}.
 */
package io.github.unixhttp.dropwizard;
