package io.github.unixhttp.connector.internal;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.connector.UnixSocketEndPoint;

/**
 * Counts the requests in progress on each connection of a {@link UnixSocketConnector}, from the moment the request
 * head is parsed until the response is complete. A graceful stop uses the count to shorten the idle timeout of idle
 * connections only. Requests from other connectors pass through untouched.
 */
public final class ExchangeTracker implements HttpConfiguration.Customizer
{
    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders)
    {
        if (request.getConnectionMetaData().getConnector() instanceof UnixSocketConnector connector)
        {
            UnixSocketEndPoint endPoint = UnixSocketEndPoint.unwrap(request.getConnectionMetaData().getConnection().getEndPoint());
            if (endPoint != null)
            {
                connector.exchangeStarted(endPoint);
                Request.addCompletionListener(request, failure -> connector.exchangeEnded(endPoint));
            }
        }
        return request;
    }
}
