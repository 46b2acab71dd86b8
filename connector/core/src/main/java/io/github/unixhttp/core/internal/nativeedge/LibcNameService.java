package io.github.unixhttp.core.internal.nativeedge;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Name lookups through the C library's reentrant calls ({@code getpwuid_r}, {@code getgrgid_r}, ...), so through
 * NSS like every program on the machine, cached for a while. Only the fields needed are read from the C structures,
 * whose start is the same on every Linux C library: {@code struct passwd} begins with {@code char *pw_name; char
 * *pw_passwd; uid_t pw_uid; gid_t pw_gid;}, {@code struct group} with {@code char *gr_name; char *gr_passwd; gid_t
 * gr_gid;}.
 *
 * <p>Only real answers are cached: a name, or "no such user" (the call found nothing). A lookup that failed (an error
 * number: {@code EMFILE} with no descriptor left for {@code /etc/passwd}, an unreachable LDAP server) answers
 * {@code null} this time and is asked again next time. Answers expire, so that a user renamed or created while the
 * server runs is seen.</p>
 */
final class LibcNameService implements NameService
{
    /** Past this many entries a cache starts afresh: a bound for servers seeing very many distinct ids. */
    private static final int MAX_CACHED = 4096;
    private static final long FOUND_TTL_NANOS = TimeUnit.MINUTES.toNanos(5);
    private static final long NOT_FOUND_TTL_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** Room for the strings an entry points to; a group with many members needs more, asked for on {@code ERANGE}. */
    private static final int FIRST_BUFFER = 4096;
    private static final int MAX_BUFFER = 1 << 20;
    /** Room for {@code struct passwd} or {@code struct group} (48 and 32 bytes on 64-bit Linux). */
    private static final int ENTRY_SIZE = 128;
    private static final int ERANGE = 34;

    private static final Logger LOG = LoggerFactory.getLogger(LibcNameService.class);

    private final NameCalls calls;
    private final Runtime runtime;
    private final int pointerSize;
    private final Map<Integer, Entry<Optional<String>>> userNames = new ConcurrentHashMap<>();
    private final Map<Integer, Entry<Optional<String>>> groupNames = new ConcurrentHashMap<>();
    private final Map<String, Entry<OptionalInt>> uids = new ConcurrentHashMap<>();
    private final Map<String, Entry<OptionalInt>> gids = new ConcurrentHashMap<>();

    LibcNameService(NameCalls calls)
    {
        this.calls = calls;
        this.runtime = Runtime.getRuntime(calls);
        this.pointerSize = runtime.addressSize();
    }

    /** One lookup: fills an entry and its strings, and answers where the entry is (or null for no such name). */
    @FunctionalInterface
    private interface Lookup
    {
        int call(Pointer entry, Pointer buffer, long bufferLength, Pointer result);
    }

    /** A lookup by id or by name, as the C library's {@code get*_r} calls take it. */
    @FunctionalInterface
    private interface ByKey<K>
    {
        int call(K key, Pointer entry, Pointer buffer, long bufferLength, Pointer result);
    }

    @Override
    public String userName(int uid)
    {
        return nameOf(userNames, "user ", uid, calls::getpwuid_r);
    }

    @Override
    public String groupName(int gid)
    {
        return nameOf(groupNames, "group ", gid, calls::getgrgid_r);
    }

    @Override
    public OptionalInt uidOf(String name)
    {
        return idOf(uids, "user ", name, calls::getpwnam_r);
    }

    @Override
    public OptionalInt gidOf(String name)
    {
        return idOf(gids, "group ", name, calls::getgrnam_r);
    }

    private String nameOf(Map<Integer, Entry<Optional<String>>> cache, String what, int id, ByKey<Integer> call)
    {
        Optional<String> name = cached(cache, id, key -> lookUp(what + key,
            (entry, buffer, length, result) -> call.call(key, entry, buffer, length, result), this::nameAt), Optional::isPresent);
        return name == null ? null : name.orElse(null);
    }

    /** The id is the third field of both structures, after two pointers. */
    private OptionalInt idOf(Map<String, Entry<OptionalInt>> cache, String what, String name, ByKey<byte[]> call)
    {
        OptionalInt id = cached(cache, name, key -> lookUp(what + key,
            (entry, buffer, length, result) -> call.call(cString(key), entry, buffer, length, result),
            entry -> entry.getInt(2L * pointerSize)).map(found -> found.map(OptionalInt::of).orElse(OptionalInt.empty())),
            OptionalInt::isPresent);
        return id == null ? OptionalInt.empty() : id;
    }

    /** The name a {@code struct passwd} or {@code struct group} starts with. */
    private String nameAt(Pointer entry)
    {
        return entry.getAddress(0) == 0 ? null : entry.getPointer(0).getString(0, MAX_BUFFER, StandardCharsets.UTF_8);
    }

    /**
     * @return empty if the lookup failed; else the field read from the entry, or empty inside if there is no such name
     */
    private <V> Optional<Optional<V>> lookUp(String what, Lookup lookup, Function<Pointer, V> field)
    {
        // A name with a NUL in it names nobody (and would be cut short in C).
        if (what.indexOf('\0') >= 0)
            return Optional.of(Optional.empty());
        Pointer entry = Memory.allocateDirect(runtime, ENTRY_SIZE);
        Pointer result = Memory.allocateDirect(runtime, pointerSize);
        for (int length = FIRST_BUFFER; length <= MAX_BUFFER; length *= 2)
        {
            Pointer buffer = Memory.allocateDirect(runtime, length);
            int error = lookup.call(entry, buffer, length, result);
            if (error == ERANGE)
                continue;
            if (error != 0)
            {
                LOG.debug("Looking up {} failed with error {}; asking again next time", what, error);
                return Optional.empty();
            }
            // *result is the entry when found, NULL when there is no such name.
            return Optional.of(result.getAddress(0) == 0 ? Optional.empty() : Optional.ofNullable(field.apply(entry)));
        }
        LOG.debug("Looking up {} needs more than {} bytes; not asked further", what, MAX_BUFFER);
        return Optional.empty();
    }

    private static byte[] cString(String name)
    {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        byte[] terminated = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, terminated, 0, bytes.length);
        return terminated;
    }

    /**
     * @param lookUp an answer to cache, or empty if the lookup failed
     * @return the answer, or {@code null} if the lookup failed
     */
    private <K, V> V cached(Map<K, Entry<V>> cache, K key, Function<K, Optional<V>> lookUp, Predicate<V> found)
    {
        Entry<V> entry = cache.get(key);
        long now = System.nanoTime();
        if (entry != null && now - entry.expiresNanos < 0)
            return entry.value;
        Optional<V> answer = lookUp.apply(key);
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
