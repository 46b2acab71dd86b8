package io.github.unixhttp.unit.server;

import java.util.Arrays;

/**
 * The settings every front end (Spring Boot, Dropwizard, jetty-home, the demo's command line) reads into
 * {@link UnixSocketSettings}, each under a {@linkplain #canonicalName() canonical name}. A front end spells them its
 * own way ({@code unixhttp.server.file-mode}, {@code mode}, {@code jetty.unixhttp.mode}, {@code --mode}) and gives
 * that spelling to the {@link SettingsParser}, which uses it in every message; the values and rules are the same
 * everywhere. A blank value is "not set".
 */
public enum SettingKey
{
    /** Where to listen: a path such as {@code /run/app/app.sock}, or {@code @name} for a Linux abstract name. */
    SOCKET("socket"),
    /**
     * {@code true} to serve the listening socket a supervisor passed (fd 0, or systemd's only {@code LISTEN_FDS}
     * socket), {@code false} (the default) to listen on {@link #SOCKET}; any other word names one of systemd's
     * sockets by its {@code FileDescriptorName=}.
     */
    INHERIT("inherit"),
    /** Which of systemd's sockets to serve, by its {@code FileDescriptorName=}; implies {@link #INHERIT}. */
    INHERIT_NAME("inherit-name"),
    /** The socket file's permission bits in octal, such as {@code 0660}; only for a socket file. */
    FILE_MODE("file-mode"),
    /** The socket file's group, a name or a gid; only for a socket file. */
    FILE_GROUP("file-group"),
    /** {@code remove} (the default) or {@code fail}: what to do with a dead socket at the path. */
    STALE_SOCKET("stale-socket"),
    /** {@code true} to bind even where users other than root and the server's could replace the socket file. */
    ALLOW_UNSAFE_DIRECTORY("allow-unsafe-directory"),
    /** {@code true} to take the path over from a live server of the same user; only for a socket file. */
    TAKEOVER("takeover"),
    /** User names or uids who may connect (with {@link #ALLOW_GROUPS}: anyone matching either). */
    ALLOW_USERS("allow-users"),
    /** Group names or gids, primary or supplementary, whose members may connect. */
    ALLOW_GROUPS("allow-groups"),
    /** User names or uids whose PROXY protocol and {@code Forwarded}/{@code X-Forwarded-*} headers are believed. */
    TRUST_PROXIES("trust-proxies"),
    /** {@code true} to also accept HTTP/2 cleartext with prior knowledge (needs {@code jetty-http2-server}). */
    H2C("h2c"),
    /** The listen backlog, a whole number (0 or less: the JDK's default). */
    ACCEPT_QUEUE_SIZE("accept-queue-size"),
    /**
     * Executables (absolute paths, as the kernel names them) whose processes may connect; with {@link #ALLOW_UNITS} and
     * {@link #ALLOW_CGROUPS}, the calling program: a peer must match one of these as well as {@link #ALLOW_USERS} /
     * {@link #ALLOW_GROUPS} when both are set. Linux 6.5+, the Linux layer.
     */
    ALLOW_EXECUTABLES("allow-executables"),
    /** systemd units ({@code nginx.service}) whose processes may connect; see {@link #ALLOW_EXECUTABLES}. */
    ALLOW_UNITS("allow-units"),
    /** cgroup paths ({@code /system.slice/nginx.service}) whose processes (and those below) may connect. */
    ALLOW_CGROUPS("allow-cgroups"),
    /** {@code true} to read each peer's process (executable, unit, cgroup) for the request attributes and logs. */
    READ_PEER_PROCESS("read-peer-process"),
    /** {@code true} to write the audit trail: a JSON line per accepted, refused and closed connection. */
    AUDIT("audit"),
    /** At most this many connections at once per caller (a whole number; the connector's default otherwise). */
    CALLER_MAX_CONNECTIONS("caller-max-connections"),
    /** At most this many requests in flight at once per caller (a whole number; unlimited otherwise). */
    CALLER_MAX_REQUESTS_IN_FLIGHT("caller-max-requests-in-flight"),
    /** At most this many requests per second per caller, with a burst of as many (a number; unlimited otherwise). */
    CALLER_REQUEST_RATE("caller-request-rate");

    private final String canonicalName;

    SettingKey(String canonicalName)
    {
        this.canonicalName = canonicalName;
    }

    /**
     * @return the name in this schema, such as {@code file-mode}: what messages say when a front end gives no
     *         spelling of its own, and the keys of {@link SettingsParser#parseProperties}
     */
    public String canonicalName()
    {
        return canonicalName;
    }

    /**
     * @param name a canonical name, such as {@code file-mode}
     * @return the key whose {@linkplain #canonicalName() canonical name} is {@code name}
     * @throws IllegalArgumentException if no key has that name, listing those that exist
     */
    public static SettingKey ofCanonicalName(String name)
    {
        for (SettingKey key : values())
        {
            if (key.canonicalName.equals(name))
                return key;
        }
        throw new IllegalArgumentException("No setting is called '" + name + "': the settings are " +
            Arrays.stream(values()).map(SettingKey::canonicalName).toList());
    }
}
