package io.github.unixhttp.core.internal.portable;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Numeric user and group ids of the JDK's principals, proved rather than assumed. The JDK gives a principal
 * (of a peer's {@code SO_PEERCRED}, of a file's owner) with its name but no public accessor for the id. Two public
 * facts of its Unix principals let us have it: a lookup by a name made of digits that names no user yields the
 * principal of that id, and principals are equal exactly when their ids are. So a candidate id (the principal's hash,
 * which the JDK's Unix principals take from the id) is accepted only when the principal of that id <em>equals</em> the
 * one we hold; any other answer, a user whose name is those digits included, gives "unknown" (-1): a rule then
 * fails closed instead of matching the wrong user.
 */
public final class PrincipalIds
{
    private static final UserPrincipalLookupService LOOKUP = FileSystems.getDefault().getUserPrincipalLookupService();
    /**
     * Proved ids, since proving one asks the name service (which may be slow: LDAP, sssd) and a server reads a peer's
     * at every accept. Bounded: a machine has few users that connect; past the bound it starts again.
     */
    private static final ConcurrentMap<UserPrincipal, Integer> PROVED = new ConcurrentHashMap<>();
    private static final int MOST_REMEMBERED = 1024;

    private PrincipalIds()
    {
    }

    /** @return the id of a user or group principal, or -1 if it cannot be proved here */
    public static int idOf(UserPrincipal principal)
    {
        if (principal == null)
            return -1;
        Integer known = PROVED.get(principal);
        if (known != null)
            return known;
        int id = prove(principal);
        if (id >= 0)
        {
            if (PROVED.size() >= MOST_REMEMBERED)
                PROVED.clear();
            PROVED.put(principal, id);
        }
        return id;
    }

    private static int prove(UserPrincipal principal)
    {
        int candidate = principal.hashCode();
        if (candidate < 0)
            return -1;
        try
        {
            String digits = Integer.toString(candidate);
            UserPrincipal ofThatId = principal instanceof GroupPrincipal ? LOOKUP.lookupPrincipalByGroupName(digits)
                : LOOKUP.lookupPrincipalByName(digits);
            return principal.equals(ofThatId) && ofThatId.equals(principal) ? candidate : -1;
        }
        catch (IOException | UnsupportedOperationException | SecurityException unknown)
        {
            return -1;
        }
    }

    /** @return the uid of a user name, if the name service knows it and the id is proved as {@link #idOf} does */
    public static OptionalInt uidOf(String user)
    {
        try
        {
            return proved(idOf(LOOKUP.lookupPrincipalByName(user)));
        }
        catch (IOException | UnsupportedOperationException | SecurityException unknown)
        {
            return OptionalInt.empty();
        }
    }

    /** @return the gid of a group name, likewise */
    public static OptionalInt gidOf(String group)
    {
        try
        {
            return proved(idOf(LOOKUP.lookupPrincipalByGroupName(group)));
        }
        catch (IOException | UnsupportedOperationException | SecurityException unknown)
        {
            return OptionalInt.empty();
        }
    }

    /** @return the group principal of a name or numeric id, for a file's group; {@code null} if unknown */
    public static GroupPrincipal group(String nameOrId)
    {
        try
        {
            return LOOKUP.lookupPrincipalByGroupName(nameOrId);
        }
        catch (IOException | UnsupportedOperationException | SecurityException unknown)
        {
            return null;
        }
    }

    private static OptionalInt proved(int id)
    {
        return id < 0 ? OptionalInt.empty() : OptionalInt.of(id);
    }
}
