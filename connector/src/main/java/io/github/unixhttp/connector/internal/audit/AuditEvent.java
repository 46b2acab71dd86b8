package io.github.unixhttp.connector.internal.audit;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import io.github.unixhttp.core.PeerCredentials;
import io.github.unixhttp.core.PeerProcess;

/**
 * One line of the audit trail, as captured where it happened (a selector thread: numbers and references only) and
 * rendered later by the {@link AuditWriter}'s thread (where a user or group name may be looked up, and the JSON made).
 */
public final class AuditEvent
{
    /** ISO-8601 in UTC, always with milliseconds (Java's own ISO_INSTANT drops them when they are zero). */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
        .withZone(ZoneOffset.UTC);

    /** What happened: the value of the {@code event} field. */
    public enum Kind
    {
        ACCEPTED("accepted"), CLOSED("closed"), REFUSED("refused"), REFUSED_SUMMARY("refused-summary"), DROPPED("dropped");

        private final String field;

        Kind(String field)
        {
            this.field = field;
        }

        public String field()
        {
            return field;
        }
    }

    /** For no value: a field that is absent. */
    private static final long NONE = -1;

    private final Kind kind;
    private final long timeMillis;
    private final long connection;
    private final PeerCredentials peer;
    /** For a per-caller summary: the caller's uid and user name only, since its refusals came from several processes. */
    private final boolean callerOnly;
    private final long durationMillis;
    private final long requests;
    private final long bytesIn;
    private final long bytesOut;
    private final String reason;
    private final String scope;
    private final long count;
    private final long sinceMillis;

    private AuditEvent(Kind kind, long timeMillis, long connection, PeerCredentials peer, boolean callerOnly,
                       long durationMillis, long requests, long bytesIn, long bytesOut, String reason, String scope,
                       long count, long sinceMillis)
    {
        this.kind = kind;
        this.timeMillis = timeMillis;
        this.connection = connection;
        this.peer = peer;
        this.callerOnly = callerOnly;
        this.durationMillis = durationMillis;
        this.requests = requests;
        this.bytesIn = bytesIn;
        this.bytesOut = bytesOut;
        this.reason = reason;
        this.scope = scope;
        this.count = count;
        this.sinceMillis = sinceMillis;
    }

    /** @param peer the peer's credentials, or {@code null} if the connector does not read them */
    public static AuditEvent accepted(long timeMillis, long connection, PeerCredentials peer)
    {
        return new AuditEvent(Kind.ACCEPTED, timeMillis, connection, peer, false, NONE, NONE, NONE, NONE, null, null, NONE, NONE);
    }

    /**
     * @param requests the HTTP requests it carried, or -1 if its protocols did not count them
     * @param bytesIn the bytes read, or -1 if not counted
     * @param bytesOut the bytes written, or -1 if not counted
     */
    public static AuditEvent closed(long timeMillis, long connection, PeerCredentials peer, long durationMillis, long requests,
                                    long bytesIn, long bytesOut)
    {
        return new AuditEvent(Kind.CLOSED, timeMillis, connection, peer, false, durationMillis, requests, bytesIn, bytesOut,
            null, null, NONE, NONE);
    }

    public static AuditEvent refused(long timeMillis, PeerCredentials peer, String reason)
    {
        return new AuditEvent(Kind.REFUSED, timeMillis, NONE, peer, false, NONE, NONE, NONE, NONE, reason, null, NONE, NONE);
    }

    /**
     * @param caller the credentials of the caller's refusal that was logged: its uid and user name are written
     * @param count the caller's refusals since {@code sinceMillis} that were not logged as lines of their own
     * @param reason the last of their reasons
     */
    public static AuditEvent callerSummary(long timeMillis, PeerCredentials caller, long count, long sinceMillis, String reason)
    {
        return new AuditEvent(Kind.REFUSED_SUMMARY, timeMillis, NONE, caller, true, NONE, NONE, NONE, NONE, reason, "caller",
            count, sinceMillis);
    }

    /** Refusals of any callers not logged otherwise: over the cap of lines per second, or more callers than are kept. */
    public static AuditEvent allSummary(long timeMillis, long count, long sinceMillis, String reason)
    {
        return new AuditEvent(Kind.REFUSED_SUMMARY, timeMillis, NONE, null, false, NONE, NONE, NONE, NONE, reason, "all",
            count, sinceMillis);
    }

    /** Events that found the writer's queue full, and were not written. */
    public static AuditEvent dropped(long timeMillis, long count, long sinceMillis)
    {
        return new AuditEvent(Kind.DROPPED, timeMillis, NONE, null, false, NONE, NONE, NONE, NONE, null, null, count, sinceMillis);
    }

    public Kind kind()
    {
        return kind;
    }

    public long count()
    {
        return count;
    }

    /**
     * Renders the event; a user or group name not known yet is looked up here (the name service's cache makes that rare).
     *
     * @param connector where the connector listens, or {@code null} if unknown
     */
    public JsonLine toLine(String connector)
    {
        JsonLine line = new JsonLine().add("event", kind.field()).add("time", format(timeMillis)).add("connector", connector);
        if (connection != NONE)
            line.add("connection", connection);
        if (peer != null)
            identity(line);
        if (durationMillis != NONE)
            line.add("duration_ms", durationMillis);
        if (requests != NONE)
            line.add("requests", requests);
        if (bytesIn != NONE)
            line.add("bytes_in", bytesIn);
        if (bytesOut != NONE)
            line.add("bytes_out", bytesOut);
        line.add("scope", scope);
        if (count != NONE)
            line.add("count", count).add("since", format(sinceMillis));
        return line.add("reason", reason);
    }

    private void identity(JsonLine line)
    {
        if (peer.knows(PeerCredentials.Field.UID))
            line.add("uid", peer.uid());
        if (!callerOnly && peer.knows(PeerCredentials.Field.GID))
            line.add("gid", peer.gid());
        if (!callerOnly && peer.knows(PeerCredentials.Field.PID))
            line.add("pid", peer.pid());
        line.add("user", peer.userName());
        if (callerOnly)
            return;
        line.add("group", peer.groupName());
        PeerProcess process = peer.process();
        if (process != null)
        {
            line.add("exe", process.executable() == null ? null : process.executable().toString());
            line.add("unit", process.unit());
            line.add("cgroup", process.cgroup());
        }
    }

    /** @return e.g. {@code 2025-03-01T09:15:02.042Z} */
    public static String format(long epochMillis)
    {
        return TIME.format(Instant.ofEpochMilli(epochMillis));
    }

    @Override
    public String toString()
    {
        return toLine(null).toJson();
    }
}
