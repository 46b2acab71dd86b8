/**
 * The HTTP configuration of Jetty's HTTP/2 server factories, in a package of its own so that jetty-http2-server,
 * an optional dependency, is loaded only when a factory that speaks HTTP/2 is in use.
 *
 * <p>Implementation, not API: public only so that the connector's other packages, and unixhttp-unit (its clients
 * dial and check sockets with these classes), can use it. No compatibility promise; anything here may change or go
 * in any release.</p>
 */
package io.github.unixhttp.connector.internal.http2;
