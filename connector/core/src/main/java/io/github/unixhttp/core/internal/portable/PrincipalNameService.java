package io.github.unixhttp.core.internal.portable;

import java.util.OptionalInt;

import io.github.unixhttp.core.internal.nativeedge.NameService;

/**
 * Names to ids through the JDK's principal lookups (see {@link PrincipalIds}). The JDK has no lookup from an id to
 * a name, so {@link #userName} and {@link #groupName} answer {@code null}: rules by id compare ids, rules by name
 * look the name up, and peer names come with the credentials.
 */
public final class PrincipalNameService implements NameService
{
    @Override
    public String userName(int uid)
    {
        return null;
    }

    @Override
    public String groupName(int gid)
    {
        return null;
    }

    @Override
    public OptionalInt uidOf(String userName)
    {
        return PrincipalIds.uidOf(userName);
    }

    @Override
    public OptionalInt gidOf(String groupName)
    {
        return PrincipalIds.gidOf(groupName);
    }
}
