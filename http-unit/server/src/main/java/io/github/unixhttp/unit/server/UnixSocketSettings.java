package io.github.unixhttp.unit.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.Function;

import io.github.unixhttp.connector.SocketFileOptions;
import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.connector.binding.SocketFileMode;
import io.github.unixhttp.connector.binding.StaleSocketPolicy;
import io.github.unixhttp.connector.audit.AuditTrail;
import io.github.unixhttp.connector.limits.CallerLimits;
import io.github.unixhttp.connector.policy.PeerPolicy;
import io.github.unixhttp.core.UnixSocketAddress;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;

/**
 * The settings of a Unix socket connector that every front end shares (Spring Boot's {@code unixhttp.server.*},
 * Dropwizard's {@code type: unixhttp}, jetty-home's {@code jetty.unixhttp.*}, the demo's command line, and
 * {@link UnixHttpServer}): one {@link SettingKey} each, typed, checked together, immutable. Read from text by a
 * {@link SettingsParser}, or built in code:
 *
 * <pre>{@code
 * UnixSocketSettings settings = UnixSocketSettings.parser(key -> "myapp." + key.canonicalName())
 *     .parse(key -> config.getProperty("myapp." + key.canonicalName()));
 * settings.applyTo(connector);
 *
 * UnixSocketSettings.builder().address(UnixSocketAddress.parse("/run/app/app.sock"))
 *     .fileMode(SocketFileMode.of(0660)).build().applyTo(connector);
 * }</pre>
 *
 * <p>Rules between settings hold in every value: a mode, a group or takeover only for a socket file (not an abstract
 * name, not an inherited socket), and h2c only with Jetty's HTTP/2 server on the class path. Each front end only maps
 * the keys to its own spelling; the values, defaults (but for the file mode's, see
 * {@link SettingsParser#defaultFileMode}) and messages are the same.</p>
 */
public final class UnixSocketSettings
{
    private static final String H2C_FACTORY = "org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory";

    private final UnixSocketAddress address;
    private final SocketFileMode fileMode;
    private final String fileGroup;
    private final StaleSocketPolicy staleSocketPolicy;
    private final boolean allowUnsafeDirectory;
    private final boolean takeover;
    private final PeerPolicy peerPolicy;
    private final PeerPolicy trustedProxies;
    private final boolean h2c;
    private final Integer acceptQueueSize;
    private final boolean readPeerProcess;
    private final boolean audit;
    private final CallerLimits callerLimits;

    private UnixSocketSettings(Builder builder)
    {
        address = builder.address;
        fileMode = builder.fileMode;
        fileGroup = builder.fileGroup;
        staleSocketPolicy = builder.staleSocketPolicy;
        allowUnsafeDirectory = builder.allowUnsafeDirectory;
        takeover = builder.takeover;
        peerPolicy = builder.peerPolicy;
        trustedProxies = builder.trustedProxies;
        h2c = builder.h2c;
        acceptQueueSize = builder.acceptQueueSize;
        readPeerProcess = builder.readPeerProcess;
        audit = builder.audit;
        callerLimits = builder.callerLimits;
    }

    /**
     * @param names each setting's name as the front end spells it ({@code key -> "--" + ...}), used in every message;
     *              a key it gives no name for ({@code null}) is called by its {@linkplain SettingKey#canonicalName()
     *              canonical name}
     * @return a parser of settings given as text, with the defaults of this schema
     */
    public static SettingsParser parser(Function<SettingKey, String> names)
    {
        return new SettingsParser(names);
    }

    /** @return a builder with every setting at its default and no address */
    public static Builder builder()
    {
        return new Builder();
    }

    /** @return a builder starting from these settings */
    public Builder toBuilder()
    {
        return new Builder(this);
    }

    /**
     * @return where to listen ({@link SettingKey#SOCKET}, {@link SettingKey#INHERIT}); {@code null} when the front end
     *         gives a path of its own (see {@link SettingsParser#socketOptional()}), which {@link #applyTo} leaves as
     *         the connector has it
     */
    public UnixSocketAddress address()
    {
        return address;
    }

    /** @return the socket file's mode ({@link SettingKey#FILE_MODE}), or {@code null} for the umask's */
    public SocketFileMode fileMode()
    {
        return fileMode;
    }

    /** @return the socket file's group as a name or gid ({@link SettingKey#FILE_GROUP}), or {@code null} for the process's */
    public String fileGroup()
    {
        return fileGroup;
    }

    /** @return what to do with a dead socket at the path ({@link SettingKey#STALE_SOCKET}); default {@code REMOVE} */
    public StaleSocketPolicy staleSocketPolicy()
    {
        return staleSocketPolicy;
    }

    /** @return whether to bind where other users could replace the socket file ({@link SettingKey#ALLOW_UNSAFE_DIRECTORY}) */
    public boolean allowUnsafeDirectory()
    {
        return allowUnsafeDirectory;
    }

    /** @return whether to take the path over from a live server of the same user ({@link SettingKey#TAKEOVER}) */
    public boolean takeover()
    {
        return takeover;
    }

    /**
     * @return who may connect ({@link SettingKey#ALLOW_USERS}, {@link SettingKey#ALLOW_GROUPS}), or {@code null} for
     *         the connector's default (everyone the file mode lets in; this server's user on an abstract name)
     */
    public PeerPolicy peerPolicy()
    {
        return peerPolicy;
    }

    /**
     * @return whose PROXY protocol and forwarded headers are believed ({@link SettingKey#TRUST_PROXIES}), or
     *         {@code null} for the connector's default (this server's own user)
     */
    public PeerPolicy trustedProxies()
    {
        return trustedProxies;
    }

    /** @return whether to also serve HTTP/2 cleartext with prior knowledge ({@link SettingKey#H2C}) */
    public boolean h2c()
    {
        return h2c;
    }

    /** @return the listen backlog ({@link SettingKey#ACCEPT_QUEUE_SIZE}); empty for the connector's default */
    public OptionalInt acceptQueueSize()
    {
        return acceptQueueSize == null ? OptionalInt.empty() : OptionalInt.of(acceptQueueSize);
    }

    /**
     * Sets these settings on a connector that is not started: its address (unless {@link #address()} is
     * {@code null}), its socket file options (what the connector had beyond these, such as
     * {@link SocketFileOptions#whenReplaced()}, is kept), peer policies and backlog where set, and for h2c an
     * {@code HTTP2CServerConnectionFactory} after its HTTP/1.1 factory, on that factory's {@link HttpConfiguration}.
     *
     * @param connector a connector that is not started
     * @return the connector
     * @throws IllegalStateException for h2c on a connector without an HTTP/1.1 factory that shows its configuration
     */
    public UnixSocketConnector applyTo(UnixSocketConnector connector)
    {
        if (address != null)
            connector.setAddress(address);
        connector.setSocketFile(connector.getSocketFile().toBuilder()
            .mode(fileMode)
            .group(fileGroup)
            .staleSocketPolicy(staleSocketPolicy)
            .allowUnsafeDirectory(allowUnsafeDirectory)
            .takeover(takeover)
            .build());
        if (peerPolicy != null)
            connector.setPeerPolicy(peerPolicy);
        if (trustedProxies != null)
            connector.setTrustedProxies(trustedProxies);
        if (acceptQueueSize != null)
            connector.setAcceptQueueSize(acceptQueueSize);
        if (h2c)
            H2c.addTo(connector);
        if (readPeerProcess)
            connector.setReadPeerProcess(true);
        if (audit && connector.getBean(AuditTrail.class) == null)
            connector.addBean(new AuditTrail());
        if (callerLimits != null)
            connector.setCallerLimits(callerLimits);
        return connector;
    }

    @Override
    public String toString()
    {
        return "UnixSocketSettings[socket=" + (address == null ? "(the front end's)" : address) +
            " fileMode=" + (fileMode == null ? "umask" : fileMode) + " fileGroup=" + (fileGroup == null ? "process" : fileGroup) +
            " staleSocket=" + staleSocketPolicy + (allowUnsafeDirectory ? " allowUnsafeDirectory" : "") +
            (takeover ? " takeover" : "") + " peers=" + (peerPolicy == null ? "default" : peerPolicy) +
            " trustedProxies=" + (trustedProxies == null ? "default" : trustedProxies) + (h2c ? " h2c" : "") +
            (acceptQueueSize == null ? "" : " acceptQueueSize=" + acceptQueueSize) + (readPeerProcess ? " readPeerProcess" : "") +
            (audit ? " audit" : "") + (callerLimits == null ? "" : " callerLimits=" + callerLimits) + "]";
    }

    /**
     * The rules between settings that hold whichever way the settings were given, as problems named by {@code names}.
     *
     * @param addressKey the setting that gave the address, for the messages: {@link SettingKey#SOCKET}, or for an
     *                   inherited socket {@link SettingKey#INHERIT} or {@link SettingKey#INHERIT_NAME}
     */
    private List<SettingsProblem> ruleProblems(Function<SettingKey, String> names, SettingKey addressKey)
    {
        List<SettingsProblem> problems = new ArrayList<>();
        // Without an address, the front end's own default is a path (SettingsParser.socketOptional), and a connector
        // given one anyway refuses a mode on anything else when it starts.
        if (address != null && address.kind() != UnixSocketAddress.Kind.PATH)
        {
            if (fileMode != null)
                problems.add(fileSettingWithoutFile(names, addressKey, SettingKey.FILE_MODE, fileMode.toString()));
            if (fileGroup != null)
                problems.add(fileSettingWithoutFile(names, addressKey, SettingKey.FILE_GROUP, fileGroup));
            if (takeover)
            {
                String instead = address.kind() == UnixSocketAddress.Kind.INHERITED
                    ? names.apply(addressKey) + " (the supervisor keeps the socket across restarts)"
                    : "an abstract name (" + names.apply(SettingKey.SOCKET) + "=" + address + ")";
                problems.add(new SettingsProblem(SettingKey.TAKEOVER, SettingsProblem.Kind.TAKEOVER_WITHOUT_FILE, "true",
                    names.apply(SettingKey.TAKEOVER) + " replaces a socket file at a path: it does not go with " + instead +
                        ". Remove " + names.apply(SettingKey.TAKEOVER)));
            }
        }
        if (h2c && !isOnClassPath(H2C_FACTORY))
            problems.add(new SettingsProblem(SettingKey.H2C, SettingsProblem.Kind.MISSING_DEPENDENCY, "true",
                names.apply(SettingKey.H2C) + "=true needs Jetty's HTTP/2 server on the class path: add the dependency " +
                    "org.eclipse.jetty.http2:jetty-http2-server"));
        return problems;
    }

    private SettingsProblem fileSettingWithoutFile(Function<SettingKey, String> names, SettingKey addressKey, SettingKey key, String value)
    {
        String message = address.kind() == UnixSocketAddress.Kind.INHERITED
            ? names.apply(key) + " does not apply to an inherited socket (" + names.apply(addressKey) + "): the supervisor " +
            "that passed it sets its mode and group (SocketMode=/SocketGroup= in systemd). Remove " + names.apply(key)
            : names.apply(SettingKey.SOCKET) + "=" + address + " is an abstract name, which has no file, hence no mode or " +
            "group: remove " + names.apply(key) + ", and restrict who may connect with " + names.apply(SettingKey.ALLOW_USERS) +
            " / " + names.apply(SettingKey.ALLOW_GROUPS);
        return new SettingsProblem(key, SettingsProblem.Kind.FILE_SETTING_WITHOUT_FILE, value, message);
    }

    private static boolean isOnClassPath(String className)
    {
        try
        {
            Class.forName(className, false, UnixSocketSettings.class.getClassLoader());
            return true;
        }
        catch (ClassNotFoundException | LinkageError absent)
        {
            return false;
        }
    }

    /** Loaded only for h2c, so that Jetty's HTTP/2 server stays an optional dependency. */
    private static final class H2c
    {
        static void addTo(UnixSocketConnector connector)
        {
            if (connector.getConnectionFactory("h2c") != null)
                return;
            HttpConfiguration.ConnectionFactory http = connector.getConnectionFactory(HttpConfiguration.ConnectionFactory.class);
            if (http == null)
                throw new IllegalStateException("h2c serves beside HTTP/1.1 and shares its configuration, but " + connector +
                    " has no HTTP/1.1 connection factory that shows its HttpConfiguration: add an HttpConnectionFactory first");
            connector.addConnectionFactory(new HTTP2CServerConnectionFactory(http.getHttpConfiguration()));
        }
    }

    /**
     * Builds {@link UnixSocketSettings} in code; {@link #build()} checks the rules between settings, naming the
     * settings by their canonical names. Every setting starts at its default.
     */
    public static final class Builder
    {
        private UnixSocketAddress address;
        private SocketFileMode fileMode;
        private String fileGroup;
        private StaleSocketPolicy staleSocketPolicy = StaleSocketPolicy.REMOVE;
        private boolean allowUnsafeDirectory;
        private boolean takeover;
        private PeerPolicy peerPolicy;
        private PeerPolicy trustedProxies;
        private boolean h2c;
        private Integer acceptQueueSize;
        private boolean readPeerProcess;
        private boolean audit;
        private CallerLimits callerLimits;

        private Builder()
        {
        }

        private Builder(UnixSocketSettings settings)
        {
            address = settings.address;
            fileMode = settings.fileMode;
            fileGroup = settings.fileGroup;
            staleSocketPolicy = settings.staleSocketPolicy;
            allowUnsafeDirectory = settings.allowUnsafeDirectory;
            takeover = settings.takeover;
            peerPolicy = settings.peerPolicy;
            trustedProxies = settings.trustedProxies;
            h2c = settings.h2c;
            acceptQueueSize = settings.acceptQueueSize;
            readPeerProcess = settings.readPeerProcess;
            audit = settings.audit;
            callerLimits = settings.callerLimits;
        }

        /**
         * @param address where to listen; {@code null} (the default) leaves the connector's address as it is
         * @return this builder
         */
        public Builder address(UnixSocketAddress address)
        {
            this.address = address;
            return this;
        }

        /**
         * @param fileMode the socket file's mode; {@code null} (the default) for what the umask gives
         * @return this builder
         */
        public Builder fileMode(SocketFileMode fileMode)
        {
            this.fileMode = fileMode;
            return this;
        }

        /**
         * @param fileGroup the socket file's group, a name or gid; {@code null} (the default) for the process's
         * @return this builder
         */
        public Builder fileGroup(String fileGroup)
        {
            this.fileGroup = fileGroup;
            return this;
        }

        /**
         * @param staleSocketPolicy what to do with a dead socket at the path; default {@code REMOVE}
         * @return this builder
         */
        public Builder staleSocketPolicy(StaleSocketPolicy staleSocketPolicy)
        {
            this.staleSocketPolicy = Objects.requireNonNull(staleSocketPolicy, "staleSocketPolicy");
            return this;
        }

        /**
         * @param allowUnsafeDirectory bind where other users could replace the socket file; default {@code false}
         * @return this builder
         */
        public Builder allowUnsafeDirectory(boolean allowUnsafeDirectory)
        {
            this.allowUnsafeDirectory = allowUnsafeDirectory;
            return this;
        }

        /**
         * @param takeover take the path over from a live server of the same user; default {@code false}
         * @return this builder
         */
        public Builder takeover(boolean takeover)
        {
            this.takeover = takeover;
            return this;
        }

        /**
         * @param peerPolicy who may connect; {@code null} (the default) for the connector's default
         * @return this builder
         */
        public Builder peerPolicy(PeerPolicy peerPolicy)
        {
            this.peerPolicy = peerPolicy;
            return this;
        }

        /**
         * @param trustedProxies whose PROXY and forwarded headers are believed; {@code null} (the default) for the connector's
         * @return this builder
         */
        public Builder trustedProxies(PeerPolicy trustedProxies)
        {
            this.trustedProxies = trustedProxies;
            return this;
        }

        /**
         * @param h2c also serve HTTP/2 cleartext with prior knowledge; default {@code false}
         * @return this builder
         */
        public Builder h2c(boolean h2c)
        {
            this.h2c = h2c;
            return this;
        }

        /**
         * @param acceptQueueSize the listen backlog (0 or less: the JDK's default)
         * @return this builder
         */
        public Builder acceptQueueSize(int acceptQueueSize)
        {
            this.acceptQueueSize = acceptQueueSize;
            return this;
        }

        /**
         * @param read read each peer's process (executable, unit, cgroup) for attributes and logs; default {@code false}
         * @return this builder
         */
        public Builder readPeerProcess(boolean read)
        {
            this.readPeerProcess = read;
            return this;
        }

        /**
         * @param audit write the audit trail (an {@link AuditTrail} on the connector); default {@code false}
         * @return this builder
         */
        public Builder audit(boolean audit)
        {
            this.audit = audit;
            return this;
        }

        /**
         * @param limits the per-caller limits; {@code null} (the default) for the connector's
         * @return this builder
         */
        public Builder callerLimits(CallerLimits limits)
        {
            this.callerLimits = limits;
            return this;
        }

        /**
         * @return the settings
         * @throws SettingsException listing every rule between settings they break (a mode, group or takeover without
         *                           a socket file; h2c without Jetty's HTTP/2 server)
         */
        public UnixSocketSettings build()
        {
            return build(SettingKey::canonicalName, SettingKey.INHERIT, List.of());
        }

        /**
         * The one place settings become a value: the parser's problems with the text come in as {@code found}, the
         * rules between settings are checked here, and all of them are thrown together.
         */
        UnixSocketSettings build(Function<SettingKey, String> names, SettingKey inheritKey, List<SettingsProblem> found)
        {
            UnixSocketSettings settings = new UnixSocketSettings(this);
            SettingKey addressKey = address != null && address.kind() == UnixSocketAddress.Kind.INHERITED ? inheritKey : SettingKey.SOCKET;
            List<SettingsProblem> problems = new ArrayList<>(found);
            problems.addAll(settings.ruleProblems(names, addressKey));
            if (!problems.isEmpty())
                throw new SettingsException(problems);
            return settings;
        }
    }
}
