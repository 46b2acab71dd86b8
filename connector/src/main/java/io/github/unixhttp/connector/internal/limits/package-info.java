/**
 * Enforcing {@link io.github.unixhttp.connector.limits.CallerLimits}: each caller's counters and token bucket, what
 * each connection holds, the bounded log of refusals.
 *
 * <p>Implementation, not API: public only so that the connector's other packages can use it. No compatibility
 * promise; anything here may change or go in any release.</p>
 */
package io.github.unixhttp.connector.internal.limits;
