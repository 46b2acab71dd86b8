package io.github.unixhttp.core.internal.nativeedge;

import java.io.IOException;

/**
 * Why a connection's peer process could not be known. A rule that needs it refuses the connection.
 */
public final class PeerProcessException extends IOException
{
    /** The causes a caller may react to. */
    public enum Reason
    {
        /** The platform cannot tell: not the Linux layer, a kernel before 6.5, a descriptor out of reach. */
        UNAVAILABLE,
        /** The peer process exited before, or while, it was read. */
        GONE
    }

    private final Reason reason;

    public PeerProcessException(Reason reason, String message)
    {
        super(message);
        this.reason = reason;
    }

    /** @return why */
    public Reason reason()
    {
        return reason;
    }
}
