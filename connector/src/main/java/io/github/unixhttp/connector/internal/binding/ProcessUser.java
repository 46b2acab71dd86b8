package io.github.unixhttp.connector.internal.binding;

import java.io.IOException;

import io.github.unixhttp.core.internal.nativeedge.Directory;
import io.github.unixhttp.core.internal.nativeedge.NativeEdge;

/**
 * Users as messages name them: {@code user www-data (uid 33)}.
 */
public final class ProcessUser
{
    private ProcessUser()
    {
    }

    /**
     * @return this process's effective user, e.g. {@code user root (uid 0)}
     */
    static String describe()
    {
        try
        {
            return describe(Directory.effectiveUid());
        }
        catch (IOException unavailable)
        {
            return "user " + System.getProperty("user.name");
        }
    }

    /** @return e.g. {@code user www-data (uid 33)} */
    static String describe(int uid)
    {
        return "user " + name(uid);
    }

    /** @return e.g. {@code group adm (gid 4)} */
    static String describeGroup(int gid)
    {
        return "group " + groupName(gid);
    }

    /** @return e.g. {@code www-data (uid 33)}, or {@code uid 1234} for a uid without a name */
    static String name(int uid)
    {
        String name = NativeEdge.names().userName(uid);
        return name == null ? "uid " + uid : name + " (uid " + uid + ")";
    }

    /** @return e.g. {@code adm (gid 4)}, or {@code gid 1234} for a gid without a name */
    static String groupName(int gid)
    {
        String name = NativeEdge.names().groupName(gid);
        return name == null ? "gid " + gid : name + " (gid " + gid + ")";
    }
}
