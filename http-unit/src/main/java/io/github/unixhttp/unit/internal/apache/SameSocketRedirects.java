package io.github.unixhttp.unit.internal.apache;

import org.apache.hc.client5.http.impl.DefaultRedirectStrategy;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Follows redirects only within the same host: a client bound to a Unix socket would otherwise send a request
 * meant for another host to the same socket.
 */
public final class SameSocketRedirects extends DefaultRedirectStrategy
{
    public static final SameSocketRedirects INSTANCE = new SameSocketRedirects();

    private SameSocketRedirects()
    {
    }

    @Override
    public boolean isRedirectAllowed(HttpHost currentTarget, HttpHost newTarget, HttpRequest redirect, HttpContext context)
    {
        return currentTarget != null && newTarget != null && currentTarget.getHostName().equalsIgnoreCase(newTarget.getHostName()) &&
            super.isRedirectAllowed(currentTarget, newTarget, redirect, context);
    }
}
