package io.github.unixhttp.core.internal.nativeedge;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import jnr.posix.Group;
import jnr.posix.POSIX;
import jnr.posix.Passwd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Name lookups through jnr-posix ({@code getpwuid}, {@code getgrgid}, ...), cached for a while. The C calls
 * return static buffers, so the lookups themselves are serialized; the cache makes that rare.
 *
 * <p>Only real answers are cached: a name, or "no such user" (the call found nothing, {@code errno} 0 or one of
 * those POSIX allows for "not found"). A lookup that failed ({@code EMFILE} with no descriptor left for
 * {@code /etc/passwd}, an unreachable LDAP server) answers {@code null} this time and is asked again next time.
 * Answers expire, so that a user renamed or created while the server runs is seen.</p>
 */
public final class JnrNameService implements NameService
{
    /** Past this many entries a cache starts afresh: a bound for servers seeing very many distinct ids. */
    private static final int MAX_CACHED = 4096;
    private static final long FOUND_TTL_NANOS = TimeUnit.MINUTES.toNanos(5);
    private static final long NOT_FOUND_TTL_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** {@code errno} values with which {@code getpwnam(3)} and friends say "not found" rather than "failed". */
    private static final int[] NOT_FOUND_ERRNOS = {0, NativeCallException.ENOENT, NativeCallException.ESRCH, NativeCallException.EBADF, NativeCallException.EPERM};

    private static final Logger LOG = LoggerFactory.getLogger(JnrNameService.class);

    private final POSIX posix;
    private final Map<Integer, Entry<Optional<String>>> userNames = new ConcurrentHashMap<>();
    private final Map<Integer, Entry<Optional<String>>> groupNames = new ConcurrentHashMap<>();
    private final Map<String, Entry<OptionalInt>> uids = new ConcurrentHashMap<>();
    private final Map<String, Entry<OptionalInt>> gids = new ConcurrentHashMap<>();

    JnrNameService(POSIX posix)
    {
        this.posix = posix;
    }

    @Override
    public String userName(int uid)
    {
        Optional<String> name = cached(userNames, uid, id ->
        {
            Passwd entry = posix.getpwuid(id);
            return entry != null ? Optional.of(Optional.of(entry.getLoginName())) : notFoundOrFailed("user " + id, Optional.empty());
        }, Optional::isPresent);
        return name == null ? null : name.orElse(null);
    }

    @Override
    public String groupName(int gid)
    {
        Optional<String> name = cached(groupNames, gid, id ->
        {
            Group entry = posix.getgrgid(id);
            return entry != null ? Optional.of(Optional.of(entry.getName())) : notFoundOrFailed("group " + id, Optional.empty());
        }, Optional::isPresent);
        return name == null ? null : name.orElse(null);
    }

    @Override
    public OptionalInt uidOf(String userName)
    {
        OptionalInt uid = cached(uids, userName, name ->
        {
            Passwd entry = posix.getpwnam(name);
            return entry != null ? Optional.of(OptionalInt.of((int)entry.getUID())) : notFoundOrFailed("user " + name, OptionalInt.empty());
        }, OptionalInt::isPresent);
        return uid == null ? OptionalInt.empty() : uid;
    }

    @Override
    public OptionalInt gidOf(String groupName)
    {
        OptionalInt gid = cached(gids, groupName, name ->
        {
            Group entry = posix.getgrnam(name);
            return entry != null ? Optional.of(OptionalInt.of((int)entry.getGID())) : notFoundOrFailed("group " + name, OptionalInt.empty());
        }, OptionalInt::isPresent);
        return gid == null ? OptionalInt.empty() : gid;
    }

    /**
     * After a lookup returned nothing: "not found" as an answer to cache, or empty if the lookup failed.
     */
    private <V> Optional<V> notFoundOrFailed(String what, V notFound)
    {
        int errno = posix.errno();
        for (int meansNotFound : NOT_FOUND_ERRNOS)
        {
            if (errno == meansNotFound)
                return Optional.of(notFound);
        }
        LOG.debug("Looking up {} failed with errno {}; asking again next time", what, errno);
        return Optional.empty();
    }

    /**
     * @param lookUp an answer to cache, or empty if the lookup failed
     * @return the answer, or {@code null} if the lookup failed
     */
    private <K, V> V cached(Map<K, Entry<V>> cache, K key, Function<K, Optional<V>> lookUp, java.util.function.Predicate<V> found)
    {
        Entry<V> entry = cache.get(key);
        long now = System.nanoTime();
        if (entry != null && now - entry.expiresNanos < 0)
            return entry.value;
        Optional<V> answer;
        synchronized (this)
        {
            // The C library keeps errno per thread; clear it so that "returned nothing" can be told from "failed".
            posix.errno(0);
            answer = lookUp.apply(key);
        }
        if (answer.isEmpty())
            return null;
        V value = answer.get();
        if (cache.size() >= MAX_CACHED)
            cache.clear();
        cache.put(key, new Entry<>(value, now + (found.test(value) ? FOUND_TTL_NANOS : NOT_FOUND_TTL_NANOS)));
        return value;
    }

    private record Entry<V>(V value, long expiresNanos)
    {
    }
}
