package io.github.unixhttp.connector.nativeedge;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import jnr.posix.Group;
import jnr.posix.POSIX;
import jnr.posix.Passwd;

/**
 * Name lookups through jnr-posix ({@code getpwuid}, {@code getgrgid}, ...), cached. The C calls return static
 * buffers, so the lookups themselves are serialized; the cache makes that rare.
 */
final class JnrNameService implements NameService
{
    /** Past this many entries a cache starts afresh: a bound for servers seeing very many distinct ids. */
    private static final int MAX_CACHED = 4096;

    private final POSIX posix;
    private final Map<Integer, Optional<String>> userNames = new ConcurrentHashMap<>();
    private final Map<Integer, Optional<String>> groupNames = new ConcurrentHashMap<>();
    private final Map<String, OptionalInt> uids = new ConcurrentHashMap<>();
    private final Map<String, OptionalInt> gids = new ConcurrentHashMap<>();

    JnrNameService(POSIX posix)
    {
        this.posix = posix;
    }

    @Override
    public String userName(int uid)
    {
        return cached(userNames, uid, id ->
        {
            Passwd entry = posix.getpwuid(id);
            return Optional.ofNullable(entry == null ? null : entry.getLoginName());
        }).orElse(null);
    }

    @Override
    public String groupName(int gid)
    {
        return cached(groupNames, gid, id ->
        {
            Group entry = posix.getgrgid(id);
            return Optional.ofNullable(entry == null ? null : entry.getName());
        }).orElse(null);
    }

    @Override
    public OptionalInt uidOf(String userName)
    {
        return cached(uids, userName, name ->
        {
            Passwd entry = posix.getpwnam(name);
            return entry == null ? OptionalInt.empty() : OptionalInt.of((int)entry.getUID());
        });
    }

    @Override
    public OptionalInt gidOf(String groupName)
    {
        return cached(gids, groupName, name ->
        {
            Group entry = posix.getgrnam(name);
            return entry == null ? OptionalInt.empty() : OptionalInt.of((int)entry.getGID());
        });
    }

    private <K, V> V cached(Map<K, V> cache, K key, Function<K, V> lookUp)
    {
        V value = cache.get(key);
        if (value != null)
            return value;
        synchronized (this)
        {
            value = lookUp.apply(key);
        }
        if (cache.size() >= MAX_CACHED)
            cache.clear();
        cache.put(key, value);
        return value;
    }
}
