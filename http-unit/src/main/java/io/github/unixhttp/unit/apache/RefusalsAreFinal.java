package io.github.unixhttp.unit.apache;

import java.io.IOException;
import java.util.Objects;

import io.github.unixhttp.unit.ServerIdentityException;
import io.github.unixhttp.unit.UnixRouteException;
import org.apache.hc.client5.http.HttpRequestRetryStrategy;
import org.apache.hc.client5.http.impl.DefaultHttpRequestRetryStrategy;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.TimeValue;

/**
 * A retry strategy that never retries a refusal of the client's own checks: a {@link ServerIdentityException} (the
 * server is not who the options require, or, as a {@link io.github.unixhttp.unit.SocketFileException}, the socket
 * file is not what they accept) or a {@link UnixRouteException}. HttpClient's default strategy retries any I/O
 * failure of an idempotent request once; for a refusal that would only connect a second time to the server just
 * refused, since nothing about it has changed. Everything else is left to the strategy this one wraps.
 *
 * <p>{@link UnixHttpClients} and {@link UnixHttpAsyncClients} set {@link #DEFAULT}. A retry strategy of your own
 * replaces it: wrap it, {@code builder.setRetryStrategy(new RefusalsAreFinal(myStrategy))}, to keep refusals final.</p>
 */
public final class RefusalsAreFinal implements HttpRequestRetryStrategy
{
    /** HttpClient's default retry strategy, with refusals final. */
    public static final RefusalsAreFinal DEFAULT = new RefusalsAreFinal(DefaultHttpRequestRetryStrategy.INSTANCE);

    private final HttpRequestRetryStrategy strategy;

    /**
     * @param strategy decides on everything but refusals
     */
    public RefusalsAreFinal(HttpRequestRetryStrategy strategy)
    {
        this.strategy = Objects.requireNonNull(strategy, "strategy");
    }

    @Override
    public boolean retryRequest(HttpRequest request, IOException exception, int execCount, HttpContext context)
    {
        if (exception instanceof ServerIdentityException || exception instanceof UnixRouteException)
            return false;
        return strategy.retryRequest(request, exception, execCount, context);
    }

    @Override
    public boolean retryRequest(HttpResponse response, int execCount, HttpContext context)
    {
        return strategy.retryRequest(response, execCount, context);
    }

    @Override
    public TimeValue getRetryInterval(HttpRequest request, IOException exception, int execCount, HttpContext context)
    {
        return strategy.getRetryInterval(request, exception, execCount, context);
    }

    @Override
    public TimeValue getRetryInterval(HttpResponse response, int execCount, HttpContext context)
    {
        return strategy.getRetryInterval(response, execCount, context);
    }

    @Override
    public String toString()
    {
        return "RefusalsAreFinal[" + strategy + "]";
    }
}
