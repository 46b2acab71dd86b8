package io.github.unixhttp.connector.limits;

import java.util.Objects;

/**
 * How much of a {@code UnixSocketConnector} one caller may hold: connections, requests in flight and a request rate,
 * per local user (or per user and program), and how many of one user's <em>refused</em> connections wait for their
 * answer at once. Jetty's own connection and rate limits key on the client's IP address, which over a Unix socket is
 * the same for every peer; these key on the kernel's credentials, read at accept. Immutable;
 * {@link #DEFAULTS} unless the connector is given other limits.
 *
 * <pre>{@code
 * connector.setCallerLimits(CallerLimits.builder()        // starts from DEFAULTS
 *     .maxRequestsInFlight(64)
 *     .requestRate(200, 400)                              // 200 requests a second, bursts of 400
 *     .build());
 * }</pre>
 *
 * <p>Over a limit, a caller is answered before any handler runs, and other callers are not slowed: a connection over
 * {@link #maxConnections()} gets {@code 503 Service Unavailable} with {@code Retry-After: 1} (in HTTP/1.1, or in
 * HTTP/2 for an h2c client with prior knowledge) and is closed; a request over {@link #maxRequestsInFlight()} or the
 * {@linkplain #requestsPerSecond() rate} gets {@code 429 Too Many Requests} with a {@code Retry-After}. A refused
 * connection (by the peer policy, or over the connection limit) is kept open until its request head is read and
 * answered, at most a few seconds; beyond {@link #maxRefusedConnections()} of them per user at once, a refused
 * connection is closed at once, unanswered.</p>
 *
 * <p>Limits apply to peers whose credentials are read (the default): a connector with {@code readPeerCredentials}
 * off cannot tell callers apart, and applies none (it refuses to start if given limits other than these defaults or
 * {@link #none()}). A peer whose user is unknown (a platform that reads no credentials) is not limited either: it
 * could only be limited together with every other such peer. Behind a reverse proxy, the caller is the proxy's
 * process (nginx), not its clients: the limits then bound what the proxy may hold, and the proxy's own limits
 * (nginx's {@code limit_req}, {@code limit_conn}) are the place for per-client ones.</p>
 */
public final class CallerLimits
{
    /** No limit: the value for a maximum that does not apply. */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    /**
     * The default connections per caller, 1024. Far above what a well-behaved client holds (nginx keeps {@code
     * keepalive} idle upstream connections per worker, typically 16 to a few hundred in all, and opens more only
     * under load, up to its {@code worker_connections}), and far below what would run a server out of descriptors:
     * Java raises its soft {@code RLIMIT_NOFILE} to the hard limit (systemd's default hard limit is 524,288), so one
     * runaway user holding 1024 leaves the server serving everyone else. A proxy with many workers under heavy load
     * (workers &times; {@code worker_connections} above 1024) needs a higher limit: see {@code docs/limits.md}.
     */
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;

    /**
     * The default refused connections per user waiting for their answer at once, 16. A refused connection is read
     * until its request head is in, then answered 403 (or 503) and closed: up to 2 s for a silent peer and 5 s for a
     * trickling one. A misconfigured client reconnecting, or a pool of a few, gets its answers (and learns why) well
     * within 16; a user flooding connections the policy refuses would otherwise hold one descriptor per connection
     * for those seconds, thousands of them, on a socket file whose mode lets it connect. Beyond 16, a refused
     * connection costs its descriptor only for the instant it takes to close.
     */
    public static final int DEFAULT_MAX_REFUSED_CONNECTIONS = 16;

    /** The largest burst {@link Builder#requestRate} takes. */
    public static final int MAX_BURST = 1_000_000;
    /** The lowest rate {@link Builder#requestRate} takes: one request an hour. */
    public static final double MIN_REQUESTS_PER_SECOND = 1.0 / 3600;

    /** What a caller is: whose connections and requests count together. */
    public enum Per
    {
        /** The peer's user id: every process of one user is one caller. The default. */
        UID,
        /**
         * The user and the systemd unit the peer runs in ({@code nginx.service}, {@code session-3.scope}): each service
         * of one user is a caller of its own. Needs the peer's process read (Linux 6.5+, the Linux layer): the
         * connector reads it; a peer whose unit is unknown counts as its user.
         */
        UID_AND_UNIT,
        /**
         * The user and the peer's executable ({@code /usr/sbin/nginx}): each program of one user is a caller of its
         * own. Needs the peer's process read; a peer whose executable cannot be read (another user's process, to a
         * server that is not root) counts as its user. A user who can run a program from paths of its choosing can
         * make as many callers: use {@link #UID} or {@link #UID_AND_UNIT} where that matters.
         */
        UID_AND_EXECUTABLE
    }

    /**
     * 1024 connections per uid (see {@link #DEFAULT_MAX_CONNECTIONS}), 16 refused connections waiting per uid (see
     * {@link #DEFAULT_MAX_REFUSED_CONNECTIONS}); requests in flight and the request rate are not limited, since what is
     * normal there depends on the application (long polls, streams, batch clients): set them for yours.
     */
    public static final CallerLimits DEFAULTS = new CallerLimits(Per.UID, DEFAULT_MAX_CONNECTIONS, UNLIMITED, 0, 0,
        DEFAULT_MAX_REFUSED_CONNECTIONS);

    private static final CallerLimits NONE = new CallerLimits(Per.UID, UNLIMITED, UNLIMITED, 0, 0, UNLIMITED);

    private final Per per;
    private final int maxConnections;
    private final int maxRequestsInFlight;
    private final double requestsPerSecond;
    private final int requestBurst;
    private final int maxRefusedConnections;

    private CallerLimits(Per per, int maxConnections, int maxRequestsInFlight, double requestsPerSecond, int requestBurst,
                         int maxRefusedConnections)
    {
        this.per = per;
        this.maxConnections = maxConnections;
        this.maxRequestsInFlight = maxRequestsInFlight;
        this.requestsPerSecond = requestsPerSecond;
        this.requestBurst = requestBurst;
        this.maxRefusedConnections = maxRefusedConnections;
    }

    /** @return no limits at all, refused connections included: the connector as it was before limits */
    public static CallerLimits none()
    {
        return NONE;
    }

    /** @return a builder starting from {@link #DEFAULTS} */
    public static Builder builder()
    {
        return new Builder(DEFAULTS);
    }

    /** @return a builder starting from these limits */
    public Builder toBuilder()
    {
        return new Builder(this);
    }

    /** @return what a caller is */
    public Per per()
    {
        return per;
    }

    /** @return the connections one caller may hold open at once, or {@link #UNLIMITED} */
    public int maxConnections()
    {
        return maxConnections;
    }

    /** @return the requests of one caller that may be in flight at once (over all its connections), or {@link #UNLIMITED} */
    public int maxRequestsInFlight()
    {
        return maxRequestsInFlight;
    }

    /** @return the sustained requests per second one caller may make, or 0 if the rate is not limited */
    public double requestsPerSecond()
    {
        return requestsPerSecond;
    }

    /**
     * @return how many requests one caller may make at once above its rate (the token bucket's size), or 0 if the rate
     *         is not limited
     */
    public int requestBurst()
    {
        return requestBurst;
    }

    /**
     * @return the refused connections of one user (by uid, whatever {@link #per()} says: a refused user gets no more
     *         by running more programs) that may wait for their answer at once, or {@link #UNLIMITED}
     */
    public int maxRefusedConnections()
    {
        return maxRefusedConnections;
    }

    /** @return whether these limits limit nothing */
    public boolean isNone()
    {
        return maxConnections == UNLIMITED && maxRequestsInFlight == UNLIMITED && requestsPerSecond == 0 &&
            maxRefusedConnections == UNLIMITED;
    }

    /** @return whether requests are limited (in flight, or by rate), which the connector checks on each request */
    public boolean limitsRequests()
    {
        return maxRequestsInFlight != UNLIMITED || requestsPerSecond > 0;
    }

    /** @return whether telling callers apart needs the peer's process (unit or executable) */
    public boolean needsProcess()
    {
        return per != Per.UID;
    }

    @Override
    public boolean equals(Object other)
    {
        return other instanceof CallerLimits that && per == that.per && maxConnections == that.maxConnections &&
            maxRequestsInFlight == that.maxRequestsInFlight && requestsPerSecond == that.requestsPerSecond &&
            requestBurst == that.requestBurst && maxRefusedConnections == that.maxRefusedConnections;
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(per, maxConnections, maxRequestsInFlight, requestsPerSecond, requestBurst, maxRefusedConnections);
    }

    /**
     * @return e.g. {@code per uid: 1024 connections, unlimited requests in flight, no request rate, 16 refused
     *         connections waiting}, or {@code none}: what JMX shows
     */
    @Override
    public String toString()
    {
        if (isNone())
            return "none";
        return "per " + switch (per)
        {
            case UID -> "uid";
            case UID_AND_UNIT -> "uid and unit";
            case UID_AND_EXECUTABLE -> "uid and executable";
        } + ": " + count(maxConnections, "connection", "connections") + ", " +
            count(maxRequestsInFlight, "request in flight", "requests in flight") + ", " +
            (requestsPerSecond == 0 ? "no request rate" : rate(requestsPerSecond) + " requests/s (burst " + requestBurst + ")") +
            ", " + count(maxRefusedConnections, "refused connection waiting", "refused connections waiting");
    }

    private static String count(int max, String one, String many)
    {
        return max == UNLIMITED ? "unlimited " + many : max + " " + (max == 1 ? one : many);
    }

    private static String rate(double perSecond)
    {
        return perSecond == Math.rint(perSecond) ? Long.toString((long)perSecond) : Double.toString(perSecond);
    }

    /** Builds {@link CallerLimits}; starts from {@link #DEFAULTS} (or the limits it was made from). */
    public static final class Builder
    {
        private Per per;
        private int maxConnections;
        private int maxRequestsInFlight;
        private double requestsPerSecond;
        private int requestBurst;
        private int maxRefusedConnections;

        private Builder(CallerLimits from)
        {
            per = from.per;
            maxConnections = from.maxConnections;
            maxRequestsInFlight = from.maxRequestsInFlight;
            requestsPerSecond = from.requestsPerSecond;
            requestBurst = from.requestBurst;
            maxRefusedConnections = from.maxRefusedConnections;
        }

        /**
         * @param per what a caller is; default {@link Per#UID}
         * @return this builder
         */
        public Builder per(Per per)
        {
            this.per = Objects.requireNonNull(per, "per");
            return this;
        }

        /**
         * @param max the connections one caller may hold open at once, at least 1, or {@link #UNLIMITED}; default
         *            {@value #DEFAULT_MAX_CONNECTIONS}
         * @return this builder
         */
        public Builder maxConnections(int max)
        {
            this.maxConnections = atLeast(1, max, "maxConnections");
            return this;
        }

        /**
         * @param max the requests of one caller in flight at once, at least 1, or {@link #UNLIMITED} (the default)
         * @return this builder
         */
        public Builder maxRequestsInFlight(int max)
        {
            this.maxRequestsInFlight = atLeast(1, max, "maxRequestsInFlight");
            return this;
        }

        /**
         * A token bucket per caller: it holds {@code burst} requests, and refills at {@code perSecond}; a request
         * that finds it empty is refused with a {@code Retry-After} saying when the next one may come.
         *
         * @param perSecond the sustained rate, at least {@link #MIN_REQUESTS_PER_SECOND} (one an hour)
         * @param burst how many requests may come at once, 1 to {@link #MAX_BURST}
         * @return this builder
         */
        public Builder requestRate(double perSecond, int burst)
        {
            if (!(perSecond >= MIN_REQUESTS_PER_SECOND) || Double.isInfinite(perSecond))
                throw new IllegalArgumentException("requestRate: " + perSecond + " requests a second; give at least one an " +
                    "hour (" + MIN_REQUESTS_PER_SECOND + "), or call unlimitedRequestRate()");
            if (burst < 1 || burst > MAX_BURST)
                throw new IllegalArgumentException("requestRate: a burst of " + burst + "; give 1 to " + MAX_BURST);
            this.requestsPerSecond = perSecond;
            this.requestBurst = burst;
            return this;
        }

        /**
         * No request rate (the default).
         * @return this builder
         */
        public Builder unlimitedRequestRate()
        {
            this.requestsPerSecond = 0;
            this.requestBurst = 0;
            return this;
        }

        /**
         * @param max the refused connections of one user that may wait for their answer at once, 0 (never answer a
         *            refused connection: close it) or more, or {@link #UNLIMITED}; default
         *            {@value #DEFAULT_MAX_REFUSED_CONNECTIONS}
         * @return this builder
         */
        public Builder maxRefusedConnections(int max)
        {
            this.maxRefusedConnections = atLeast(0, max, "maxRefusedConnections");
            return this;
        }

        /** @return the limits as built so far */
        public CallerLimits build()
        {
            return new CallerLimits(per, maxConnections, maxRequestsInFlight, requestsPerSecond, requestBurst,
                maxRefusedConnections);
        }

        private static int atLeast(int least, int value, String name)
        {
            if (value < least)
                throw new IllegalArgumentException(name + ": " + value + "; give at least " + least +
                    ", or CallerLimits.UNLIMITED");
            return value;
        }
    }
}
