package io.github.unixhttp.connector.limits;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * Counts every request that reaches it (a request refused over a limit must not): {@code /hold} is answered only when
 * the test {@linkplain #releaseHeld() releases} it (a request in flight for as long as the test wants, holding no
 * thread), {@code /work?ms=N} sleeps N ms on its thread first (an application's work), anything else answers "hello".
 */
final class LimitsHandler extends Handler.Abstract
{
    private final AtomicInteger handled = new AtomicInteger();
    private final Queue<Runnable> held = new ConcurrentLinkedQueue<>();
    private final AtomicInteger heldCount = new AtomicInteger();

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception
    {
        handled.incrementAndGet();
        switch (Request.getPathInContext(request))
        {
            case "/hold" ->
            {
                held.add(() -> text(response, callback, "released"));
                heldCount.incrementAndGet();
            }
            case "/work" ->
            {
                Fields query = Request.extractQueryParameters(request);
                Thread.sleep(query.getValue("ms") == null ? 0 : Long.parseLong(query.getValue("ms")));
                text(response, callback, "worked");
            }
            default -> text(response, callback, "hello");
        }
        return true;
    }

    /** @return how many requests reached the handler */
    int handled()
    {
        return handled.get();
    }

    /** @return how many {@code /hold} requests arrived (released or not) */
    int heldSoFar()
    {
        return heldCount.get();
    }

    /** Answers every {@code /hold} request waiting. */
    void releaseHeld()
    {
        for (Runnable answer = held.poll(); answer != null; answer = held.poll())
            answer.run();
    }

    /** Waits until {@code count} {@code /hold} requests have arrived. */
    void awaitHeld(int count, Duration patience) throws InterruptedException
    {
        long deadline = System.nanoTime() + patience.toNanos();
        while (heldCount.get() < count && System.nanoTime() - deadline < 0)
            Thread.sleep(10);
        if (heldCount.get() < count)
            throw new AssertionError(heldCount.get() + " of " + count + " held requests arrived within " + patience);
    }

    private static void text(Response response, Callback callback, String body)
    {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        Content.Sink.write(response, true, body, callback);
    }
}
