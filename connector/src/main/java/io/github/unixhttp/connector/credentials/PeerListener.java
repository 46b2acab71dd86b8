package io.github.unixhttp.connector.credentials;

import io.github.unixhttp.core.PeerCredentials;
import java.util.EventListener;

/**
 * Observes each connection a Unix socket connector accepts, with the peer's credentials, and each it refuses
 * (the accept-evt of Racket's and Emilua's socket APIs). Add one with {@code connector.addEventListener(...)}.
 * Called on the selector thread: return quickly.
 */
public interface PeerListener extends EventListener
{
    /** A peer was admitted; its requests are about to be served. */
    default void onAccepted(PeerCredentials peer)
    {
    }

    /**
     * A peer was refused by the peer policy; it gets a 403 (which does not tell it {@code reason}) and the
     * connection closes.
     */
    default void onRefused(PeerCredentials peer, String reason)
    {
    }

    /**
     * A peer was turned away because its caller is over a limit ({@code CallerLimits}: connections at once, or refused
     * connections lingering at once); it gets a 503 with {@code Retry-After}, or the connection is closed at once.
     */
    default void onRefusedOverLimit(PeerCredentials peer, String reason)
    {
    }
}
