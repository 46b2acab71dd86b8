/**
 * Binding the socket file safely: the directory's safety, the start lock, a stale socket, the file's mode and group.
 *
 * <p>Implementation, not API: public only so that the connector's other packages, and unixhttp-unit (its clients
 * dial and check sockets with these classes), can use it. No compatibility promise; anything here may change or go
 * in any release.</p>
 */
package io.github.unixhttp.connector.internal.binding;
