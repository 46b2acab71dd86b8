/**
 * Limits per caller: how many connections, requests in flight and requests a second one local user (or one user's
 * program) may have of a connector, and how many of a user's refused connections wait for their answer. Give them
 * with {@code UnixSocketConnector.setCallerLimits}; {@link io.github.unixhttp.connector.limits.CallerLimits#DEFAULTS}
 * apply otherwise.
 */
package io.github.unixhttp.connector.limits;
