package io.github.unixhttp.connector.limits;

/**
 * What one caller holds of a connector now, and what it was refused while it has held anything: one line of the
 * connector's {@code callers} JMX attribute. A caller that holds nothing (and whose request rate has recovered) is
 * forgotten, its refusal counts with it; the connector's totals keep counting.
 *
 * @param caller who, as {@link CallerLimits#per()} tells callers apart: {@code uid 1000}, {@code uid 33, unit
 *               nginx.service}, {@code uid 1000, exe /usr/bin/python3.11}, or {@code user alice} where only names
 *               are read
 * @param connections connections it holds open and served
 * @param refusedWaiting refused connections of this user waiting for their answer (403 or 503)
 * @param requestsInFlight its requests being handled or answered now (counted when requests are limited)
 * @param connectionsRefused connections refused over its connection limit
 * @param requestsRefused requests refused over its limit of requests in flight or its request rate
 */
public record CallerActivity(String caller, int connections, int refusedWaiting, int requestsInFlight,
                             long connectionsRefused, long requestsRefused)
{
    /** @return e.g. {@code uid 1000: 3 connections, 1 in flight, 0 refused waiting; refused 2 connections, 5 requests} */
    @Override
    public String toString()
    {
        return caller + ": " + connections + (connections == 1 ? " connection, " : " connections, ") + requestsInFlight +
            " in flight, " + refusedWaiting + " refused waiting; refused " + connectionsRefused +
            (connectionsRefused == 1 ? " connection, " : " connections, ") + requestsRefused +
            (requestsRefused == 1 ? " request" : " requests");
    }
}
