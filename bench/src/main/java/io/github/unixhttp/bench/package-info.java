/**
 * The side-by-side benchmark against Jetty's UnixDomainServerConnector, TCP loopback and outside references.
 * Filled in by its own issue; empty for now.
 */
package io.github.unixhttp.bench;
