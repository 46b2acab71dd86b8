/**
 * The connector's implementation: the listening socket opened from its address, accepting in the selector, and
 * what the connector delegates to the sub-packages.
 *
 * <p>Implementation, not API: public only so that the connector's other packages, and unixhttp-unit (its clients
 * dial and check sockets with these classes), can use it. No compatibility promise; anything here may change or go
 * in any release.</p>
 */
package io.github.unixhttp.connector.internal;
