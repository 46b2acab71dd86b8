/**
 * How the Apache clients reach a Unix socket: connection managers and operators, route checks, the async connection
 * initiators, the {@code Socket} face of a channel. Implementation of {@code io.github.unixhttp.unit.apache}: not
 * API, no compatibility promise.
 */
package io.github.unixhttp.unit.internal.apache;
