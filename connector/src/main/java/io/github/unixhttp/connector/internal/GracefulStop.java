package io.github.unixhttp.connector.internal;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import io.github.unixhttp.connector.UnixSocketEndPoint;
import org.eclipse.jetty.io.EndPoint;

/**
 * The idle timeouts of a graceful stop, per connection. Jetty's {@code AbstractConnector.shutdown()} gives every
 * connection the shutdown idle timeout (1 s by default), which cuts off a response to a client that pauses reading
 * for longer than that (a slow download, a rate-limited {@code curl}) long before the server's stop timeout. Here a
 * connection keeps its usual idle timeout while a request on it is in progress (the count its {@link
 * UnixSocketEndPoint} keeps, which also gives a connection the stop found idle its usual timeout back when a request
 * comes, and the shutdown one when that ends) and gets the shutdown idle timeout once it is idle. Long-lived exchanges
 * (server-sent events, long polls, tunnels) therefore hold the stop until they end, their idle timeout expires or the
 * stop timeout runs out. {@link JettyCallOrder#shutdown} calls these around Jetty's shutdown.
 */
public final class GracefulStop
{
    private GracefulStop()
    {
    }

    /**
     * Called just before Jetty's shutdown shortens every connection's idle timeout. Jetty checks a shortened timeout
     * at once, against the time since the connection's last activity: a busy connection whose client has not read
     * for longer than the shutdown idle timeout (a download stalled for 2 s, when the stop comes) would be cut off
     * there and then, before {@link #keepBusyConnectionsPatient} could give its timeout back. So the busy ones count
     * as active from now: their idle time starts again with the stop.
     *
     * @return the busy connections with the idle timeout each has now (a handler may have set its own)
     */
    static Map<EndPoint, Long> beforeJettyShortensIdleTimeouts(Collection<EndPoint> connected)
    {
        Map<EndPoint, Long> busy = new HashMap<>();
        for (EndPoint endPoint : connected)
        {
            UnixSocketEndPoint ours = UnixSocketEndPoint.unwrap(endPoint);
            if (ours != null && ours.isExchangeInProgress())
            {
                ours.notIdle();
                busy.put(endPoint, endPoint.getIdleTimeout());
            }
        }
        return busy;
    }

    /**
     * Called just after Jetty's shutdown shortened every connection's idle timeout: gives the busy ones their usual
     * one back, before the shortened timeout is checked again (a full shutdown idle timeout later).
     */
    static void keepBusyConnectionsPatient(Map<EndPoint, Long> busy, long shutdownIdleTimeout)
    {
        busy.forEach((endPoint, idleTimeout) ->
        {
            endPoint.setIdleTimeout(idleTimeout);
            // An exchange that ended meanwhile found the shortened timeout already set: the connection is idle now.
            UnixSocketEndPoint ours = UnixSocketEndPoint.unwrap(endPoint);
            if (!ours.isExchangeInProgress() && shutdownIdleTimeout >= 0)
                endPoint.setIdleTimeout(shutdownIdleTimeout);
        });
    }
}
