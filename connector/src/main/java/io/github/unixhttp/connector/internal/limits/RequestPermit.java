package io.github.unixhttp.connector.internal.limits;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;

/**
 * What a request got from its caller's limits: a place among the caller's requests in flight, given back once by
 * {@link #release()} when the exchange ends however it ends; or a refusal, a {@code 429} with a {@code Retry-After}.
 */
public final class RequestPermit
{
    private static final AtomicIntegerFieldUpdater<RequestPermit> RELEASED =
        AtomicIntegerFieldUpdater.newUpdater(RequestPermit.class, "released");

    private final CallerLedger ledger;
    /** {@code null} for a refusal. */
    private final Caller caller;
    private final long retryAfterSeconds;
    private final String reason;
    private volatile int released;

    private RequestPermit(CallerLedger ledger, Caller caller, long retryAfterSeconds, String reason)
    {
        this.ledger = ledger;
        this.caller = caller;
        this.retryAfterSeconds = retryAfterSeconds;
        this.reason = reason;
    }

    static RequestPermit admitted(CallerLedger ledger, Caller caller)
    {
        return new RequestPermit(ledger, caller, 0, null);
    }

    static RequestPermit refused(long retryAfterSeconds, String reason)
    {
        return new RequestPermit(null, null, retryAfterSeconds, reason);
    }

    /**
     * @return whether the request is refused: answer it with {@link #refusal()}, its stream's headers given {@link
     *         #addRetryAfter}
     */
    public boolean isRefused()
    {
        return caller == null;
    }

    /** @return what to throw from the customizer: Jetty answers its status (429) without running any handler */
    public HttpException.RuntimeException refusal()
    {
        return new TooManyRequests(reason);
    }

    /**
     * Adds {@code Retry-After} to the refusal's response headers. Jetty's error response keeps none of the headers a
     * customizer set before it threw (only {@code Server} and {@code Date}), so this is called from the request's
     * stream as the response is prepared ({@code HttpStream.prepareResponse}), in HTTP/1 and HTTP/2 alike.
     */
    public void addRetryAfter(HttpFields.Mutable headers)
    {
        headers.put(HttpHeader.RETRY_AFTER, Long.toString(retryAfterSeconds));
    }

    /** @return the seconds the refusal's {@code Retry-After} says */
    public long retryAfterSeconds()
    {
        return retryAfterSeconds;
    }

    /** Gives the place back: only the first call counts, so that it is given back once whichever way the stream ends. */
    public void release()
    {
        if (caller != null && RELEASED.compareAndSet(this, 0, 1))
            ledger.requestEnded(caller);
    }

    /** A 429 without a stack trace: a flooding caller gets thousands, all thrown from the same place. */
    private static final class TooManyRequests extends HttpException.RuntimeException
    {
        private static final long serialVersionUID = 1L;

        TooManyRequests(String reason)
        {
            super(HttpStatus.TOO_MANY_REQUESTS_429, reason);
        }

        @Override
        public synchronized Throwable fillInStackTrace()
        {
            return this;
        }
    }
}
