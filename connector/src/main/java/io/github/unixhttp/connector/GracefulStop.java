package io.github.unixhttp.connector;

import java.util.Collection;

import org.eclipse.jetty.io.EndPoint;

/**
 * The idle timeouts of a graceful stop, per connection. Jetty's {@code AbstractConnector.shutdown()} gives every
 * connection the shutdown idle timeout (1 s by default), which cuts off a response to a client that pauses reading
 * for longer than that (a slow download, a rate-limited {@code curl}) long before the server's stop timeout. Here a
 * connection keeps its usual idle timeout while a request on it is in progress (counted by the {@link
 * UnixSocketCustomizer}) and gets the shutdown idle timeout once it is idle. Long-lived exchanges (server-sent events,
 * long polls, tunnels) therefore hold the stop until they end, their idle timeout expires or the stop timeout runs out.
 */
final class GracefulStop
{
    private final UnixSocketConnector connector;

    GracefulStop(UnixSocketConnector connector)
    {
        this.connector = connector;
    }

    /**
     * Called just after Jetty's shutdown shortened every connection's idle timeout: gives the busy ones their usual
     * one back. No idle check can run in between: the shortened timeout is first checked a full timeout later.
     */
    void keepBusyConnectionsPatient(Collection<EndPoint> connected)
    {
        for (EndPoint endPoint : connected)
        {
            UnixSocketEndPoint ours = UnixSocketEndPoint.unwrap(endPoint);
            if (ours != null && ours.isExchangeInProgress())
                endPoint.setIdleTimeout(connector.getIdleTimeout());
        }
    }

    void exchangeStarted(UnixSocketEndPoint endPoint)
    {
        endPoint.exchangeStarted();
        // A request on a connection that the stop found idle (and shortened) is served with the usual patience.
        if (connector.isShutdown())
            endPoint.setIdleTimeout(connector.getIdleTimeout());
    }

    void exchangeEnded(UnixSocketEndPoint endPoint)
    {
        if (endPoint.exchangeEnded() && connector.isShutdown() && connector.getShutdownIdleTimeout() >= 0)
            endPoint.setIdleTimeout(connector.getShutdownIdleTimeout());
    }
}
