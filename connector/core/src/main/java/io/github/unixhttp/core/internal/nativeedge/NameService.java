package io.github.unixhttp.core.internal.nativeedge;

import java.util.OptionalInt;

/**
 * User and group names for ids and back, as the system's name service (passwd, group, NSS) has them.
 * Answers are cached: names rarely change while a server runs.
 */
public interface NameService
{
    /** @return the user name of {@code uid}, or {@code null} if it has none or names cannot be looked up */
    String userName(int uid);

    /** @return the name of group {@code gid}, or {@code null} if it has none or names cannot be looked up */
    String groupName(int gid);

    /** @return the uid of a user name, or empty if unknown */
    OptionalInt uidOf(String userName);

    /** @return the gid of a group name, or empty if unknown */
    OptionalInt gidOf(String groupName);

    /** @return whether names can be looked up here at all (an empty answer then means "unknown", not "cannot ask") */
    default boolean looksUpNames()
    {
        return true;
    }
}
