/**
 * The only place with native calls (jnr) and JDK internals: peer credentials, abstract names, file status, name
 * services.
 *
 * <p>Implementation, not API: public only so that the connector's other packages, and unixhttp-unit (its clients
 * dial and check sockets with these classes), can use it. No compatibility promise; anything here may change or go
 * in any release.</p>
 */
package io.github.unixhttp.core.internal.nativeedge;
