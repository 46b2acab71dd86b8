package io.github.unixhttp.connector;

import java.util.EventListener;

/**
 * Told when the path a {@link UnixSocketConnector} bound names another socket now: a new server took it over
 * ({@link SocketFileOptions.Builder#takeover takeover}), or another socket of the same user was put there (anything else at
 * the path is logged and the connector goes on serving). No new client can reach this
 * connector any more, so it drains: it accepts what is still in its backlog, stops listening (leaving the path to the
 * new socket), and lets its connections finish their exchanges in progress, as a graceful stop does. Then its
 * {@linkplain SocketFileOptions#whenReplaced replacement action} runs (by default it stops the server).
 * Add one with {@code connector.addEventListener(...)}. Called on a thread of the drain's own: it may block briefly.
 */
public interface SocketReplacedListener extends EventListener
{
    /** The path names another socket; the drain begins. */
    default void onReplaced(UnixSocketConnector connector)
    {
    }

    /**
     * The drain is over: the connector no longer listens and its connections have closed, or the server's stop
     * timeout ran out first ({@code complete} is then {@code false}). The replacement action runs next.
     */
    default void onDrained(UnixSocketConnector connector, boolean complete)
    {
    }
}
