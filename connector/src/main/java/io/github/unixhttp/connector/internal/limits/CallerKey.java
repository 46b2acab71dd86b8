package io.github.unixhttp.connector.internal.limits;

import io.github.unixhttp.connector.limits.CallerLimits;
import io.github.unixhttp.core.PeerCredentials;
import io.github.unixhttp.core.PeerProcess;

/**
 * Who a caller is, as {@link CallerLimits.Per} tells callers apart: a uid (or, where only names are read, a user
 * name), and for per-program limits the peer's unit or executable.
 *
 * @param uid the peer's uid, or -1 if only its name is known
 * @param user the user's name where the uid is unknown, else {@code null}
 * @param program {@code unit nginx.service} or {@code exe /usr/sbin/nginx}, or {@code null}: the user as a whole
 */
public record CallerKey(int uid, String user, String program)
{
    /**
     * @return the caller {@code peer} is, or {@code null} if neither its uid nor its user name is known (a platform
     *         that reads no credentials): such a peer cannot be told from any other, and is not limited
     */
    public static CallerKey of(PeerCredentials peer, CallerLimits.Per per)
    {
        CallerKey user = userOf(peer);
        if (user == null || per == CallerLimits.Per.UID)
            return user;
        PeerProcess process = peer.process();
        String program = null;
        if (process != null && per == CallerLimits.Per.UID_AND_UNIT && process.unit() != null)
            program = "unit " + process.unit();
        else if (process != null && per == CallerLimits.Per.UID_AND_EXECUTABLE && process.executable() != null)
            program = "exe " + process.executable();
        // Unknown program: the peer counts as its user, one caller with all of that user's other such peers.
        return program == null ? user : new CallerKey(user.uid, user.user, program);
    }

    /** @return the user {@code peer} runs as, whatever its program; {@code null} if unknown */
    public static CallerKey userOf(PeerCredentials peer)
    {
        if (peer.knows(PeerCredentials.Field.UID))
            return new CallerKey(peer.uid(), null, null);
        String name = peer.userName();
        return name == null ? null : new CallerKey(-1, name, null);
    }

    /** @return e.g. {@code uid 1000}, {@code uid 33, unit nginx.service}, {@code user alice} */
    @Override
    public String toString()
    {
        String who = uid >= 0 ? "uid " + uid : "user " + user;
        return program == null ? who : who + ", " + program;
    }
}
