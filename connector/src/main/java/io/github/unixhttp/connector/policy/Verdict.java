package io.github.unixhttp.connector.policy;

/**
 * A policy's answer for one peer: allowed, or refused with a one-line reason for the log and {@code PeerListener}s
 * (the refused peer itself is told only that it may not connect).
 */
public record Verdict(boolean allowed, String reason)
{
    private static final Verdict ALLOWED = new Verdict(true, "allowed");

    public static Verdict allow()
    {
        return ALLOWED;
    }

    public static Verdict refuse(String reason)
    {
        return new Verdict(false, reason);
    }
}
