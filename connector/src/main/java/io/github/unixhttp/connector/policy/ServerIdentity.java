package io.github.unixhttp.connector.policy;

/**
 * Who this server process runs as.
 */
public final class ServerIdentity
{
    private static final long UID = new com.sun.security.auth.module.UnixSystem().getUid();

    private ServerIdentity()
    {
    }

    /** @return the effective user id of this JVM */
    public static int uid()
    {
        return (int)UID;
    }
}
