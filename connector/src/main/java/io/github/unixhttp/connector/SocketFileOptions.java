package io.github.unixhttp.connector;

import java.time.Duration;
import java.util.Objects;

import io.github.unixhttp.connector.binding.SocketFileMode;
import io.github.unixhttp.connector.binding.StaleSocketPolicy;

/**
 * How a {@link UnixSocketConnector} makes and keeps its socket file: the file's mode and group, what it does with a
 * dead socket at the path, whether it binds in a directory other users could tamper with, and takeovers (restarts
 * on one path without a failed request). Immutable; {@link #DEFAULTS} unless the connector is given other options.
 *
 * <pre>{@code
 * connector.setSocketFile(SocketFileOptions.builder()
 *     .mode(SocketFileMode.parse("0660"))
 *     .group("www-data")
 *     .build());
 * }</pre>
 *
 * <p>Only a socket at a path has a file: a connector on an abstract name or an inherited socket refuses to start with
 * a mode, a group or takeover set.</p>
 */
public final class SocketFileOptions
{
    /** How often a connector looks whether its path was taken over, unless set otherwise. */
    public static final Duration DEFAULT_REPLACEMENT_CHECK_INTERVAL = Duration.ofMillis(200);

    /** The umask's mode, the process's group, dead sockets removed, unsafe directories refused, no takeover. */
    public static final SocketFileOptions DEFAULTS = builder().build();

    private final SocketFileMode mode;
    private final String group;
    private final StaleSocketPolicy staleSocketPolicy;
    private final boolean allowUnsafeDirectory;
    private final boolean takeover;
    private final WhenReplaced whenReplaced;
    private final Duration replacementCheckInterval;

    private SocketFileOptions(Builder builder)
    {
        mode = builder.mode;
        group = builder.group;
        staleSocketPolicy = builder.staleSocketPolicy;
        allowUnsafeDirectory = builder.allowUnsafeDirectory;
        takeover = builder.takeover;
        whenReplaced = builder.whenReplaced;
        replacementCheckInterval = builder.replacementCheckInterval;
    }

    /** @return a builder starting from {@link #DEFAULTS} */
    public static Builder builder()
    {
        return new Builder();
    }

    /** @return a builder starting from these options */
    public Builder toBuilder()
    {
        return new Builder(this);
    }

    /** @return the file's permission bits, or {@code null} to keep what the process umask gives */
    public SocketFileMode mode()
    {
        return mode;
    }

    /** @return the file's group as a name or numeric gid, or {@code null} to keep the process's group */
    public String group()
    {
        return group;
    }

    /** @return what to do with a socket at the path that nothing listens on */
    public StaleSocketPolicy staleSocketPolicy()
    {
        return staleSocketPolicy;
    }

    /** @return whether to bind (with a warning) where users other than root and the server's could replace the file */
    public boolean allowUnsafeDirectory()
    {
        return allowUnsafeDirectory;
    }

    /** @return whether a start takes the path over from a live server of the same user */
    public boolean takeover()
    {
        return takeover;
    }

    /** @return what the connector does once drained after another server took its path over */
    public WhenReplaced whenReplaced()
    {
        return whenReplaced;
    }

    /** @return how often the connector looks whether its path was taken over */
    public Duration replacementCheckInterval()
    {
        return replacementCheckInterval;
    }

    /** @return whether a mode or group is asked for, which only a socket file can have */
    public boolean hasFileAttributes()
    {
        return mode != null || group != null;
    }

    @Override
    public boolean equals(Object other)
    {
        return other instanceof SocketFileOptions that && Objects.equals(mode, that.mode) &&
            Objects.equals(group, that.group) && staleSocketPolicy == that.staleSocketPolicy &&
            allowUnsafeDirectory == that.allowUnsafeDirectory && takeover == that.takeover &&
            whenReplaced == that.whenReplaced && replacementCheckInterval.equals(that.replacementCheckInterval);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(mode, group, staleSocketPolicy, allowUnsafeDirectory, takeover, whenReplaced,
            replacementCheckInterval);
    }

    /** @return the options as JMX and logs show them, e.g. {@code mode=0660 group=www-data stale=REMOVE ...} */
    @Override
    public String toString()
    {
        return "mode=" + (mode == null ? "umask" : mode) + " group=" + (group == null ? "process" : group) +
            " stale=" + staleSocketPolicy + (allowUnsafeDirectory ? " allowUnsafeDirectory" : "") +
            (takeover ? " takeover" : "") + " whenReplaced=" + whenReplaced +
            " checkEvery=" + replacementCheckInterval.toMillis() + "ms";
    }

    /** Builds {@link SocketFileOptions}; each setting starts at its default. */
    public static final class Builder
    {
        private SocketFileMode mode;
        private String group;
        private StaleSocketPolicy staleSocketPolicy = StaleSocketPolicy.REMOVE;
        private boolean allowUnsafeDirectory;
        private boolean takeover;
        private WhenReplaced whenReplaced = WhenReplaced.STOP_SERVER;
        private Duration replacementCheckInterval = DEFAULT_REPLACEMENT_CHECK_INTERVAL;

        private Builder()
        {
        }

        private Builder(SocketFileOptions options)
        {
            mode = options.mode;
            group = options.group;
            staleSocketPolicy = options.staleSocketPolicy;
            allowUnsafeDirectory = options.allowUnsafeDirectory;
            takeover = options.takeover;
            whenReplaced = options.whenReplaced;
            replacementCheckInterval = options.replacementCheckInterval;
        }

        /**
         * @param mode the socket file's permission bits, in place before any client can connect, e.g. {@code
         *             SocketFileMode.parse("0660")}; {@code null} (the default) keeps what the process umask gives
         */
        public Builder mode(SocketFileMode mode)
        {
            this.mode = mode;
            return this;
        }

        /**
         * @param group the socket file's group as a name or a numeric gid, in place before any client can connect;
         *              the process must be root or a member of it. {@code null} (the default) keeps the process's group
         */
        public Builder group(String group)
        {
            this.group = group;
            return this;
        }

        /**
         * @param policy what to do with a socket at the path that nothing listens on (left by {@code kill -9}):
         *               {@link StaleSocketPolicy#REMOVE} (the default) or {@link StaleSocketPolicy#FAIL}; a file
         *               that is not a socket, or a socket a live server listens on, is never touched
         */
        public Builder staleSocketPolicy(StaleSocketPolicy policy)
        {
            this.staleSocketPolicy = Objects.requireNonNull(policy, "staleSocketPolicy");
            return this;
        }

        /**
         * By default the connector refuses to bind where a user other than root and its own could replace the socket
         * file: in a directory, or below a directory, that such a user owns or may write to without the sticky bit
         * (say a 0777 directory). Whoever can do that can move the live socket away, bind their own at the path, and
         * receive this server's clients' requests, passwords and tokens included. Allow it only if every user who can
         * write there is trusted; a warning is logged at each start.
         *
         * @param allow whether to bind in such a directory anyway (default {@code false})
         */
        public Builder allowUnsafeDirectory(boolean allow)
        {
            this.allowUnsafeDirectory = allow;
            return this;
        }

        /**
         * Zero-downtime restarts on one path. With takeover on, a start that finds a live server at the socket path
         * takes the path over instead of failing as in use, if the kernel says that server runs as this process's
         * user (never another user's server, never a file that is not a socket). The new socket is bound privately,
         * and replaces the old one at the path in one step only once the {@code Server} has started, so that a
         * server failing to start never takes the path; the old server then drains and stops (see {@link
         * SocketReplacedListener}). A start that finds no live server binds as usual. If another server took the
         * path while this one was starting (a second takeover won), {@code Server.start()} fails with an {@link
         * java.io.UncheckedIOException} whose cause is a {@link io.github.unixhttp.connector.binding.SocketBindException}
         * ({@code IN_USE}) and the path is left to it; Jetty then marks the server failed but leaves what started
         * running: call {@code server.stop()}. Several takeover connectors on one server publish one by one: if a
         * later one loses, the earlier ones have already taken their paths. Refused where the kernel cannot swap two
         * names in one step ({@code renameat2(RENAME_EXCHANGE)}).
         *
         * @param takeover whether to take the path over from a live server of this user (default {@code false})
         */
        public Builder takeover(boolean takeover)
        {
            this.takeover = takeover;
            return this;
        }

        /**
         * @param whenReplaced what to do once drained after another server took the path over: stop the server (the
         *                     default), stop the connector only, or nothing beyond the drain (a {@link
         *                     SocketReplacedListener} decides). Applies to every connector with a socket file, not
         *                     only takeover ones: the old server of a takeover need not have been started with
         *                     takeover on. Only another socket of this server's user at the path counts as a
         *                     takeover; anything else there is logged and the server goes on serving.
         */
        public Builder whenReplaced(WhenReplaced whenReplaced)
        {
            this.whenReplaced = Objects.requireNonNull(whenReplaced, "whenReplaced");
            return this;
        }

        /**
         * @param interval how often a connector with a socket file looks whether its path now names another socket
         *                 (default 200 ms); each look is one {@code lstat}, on Jetty's scheduler thread. Once replaced,
         *                 the connector also keeps accepting for this long before it takes what is left in its
         *                 backlog and stops (clients that looked the path up just before the takeover reach it
         *                 meanwhile). The drain then waits for open connections up to the server's stop timeout, or
         *                 30 s when that is 0 (Jetty's default).
         * @throws IllegalArgumentException if the interval is not positive
         */
        public Builder replacementCheckInterval(Duration interval)
        {
            if (interval.isNegative() || interval.isZero())
                throw new IllegalArgumentException("The replacement check interval must be positive: " + interval);
            this.replacementCheckInterval = interval;
            return this;
        }

        /** @return the options */
        public SocketFileOptions build()
        {
            return new SocketFileOptions(this);
        }
    }
}
