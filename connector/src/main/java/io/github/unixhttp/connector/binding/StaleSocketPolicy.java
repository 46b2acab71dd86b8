package io.github.unixhttp.connector.binding;

/**
 * What to do with a socket file found at the path when nothing listens on it any more, typically left by a
 * server that was killed with {@code kill -9}. Whatever the policy, a file that is not a socket and a socket a
 * live server still listens on are never touched.
 */
public enum StaleSocketPolicy
{
    /** Remove the dead socket and bind in its place (the default). */
    REMOVE,
    /** Never touch it: fail to start, and say so. For deployments where another tool owns the path. */
    FAIL
}
