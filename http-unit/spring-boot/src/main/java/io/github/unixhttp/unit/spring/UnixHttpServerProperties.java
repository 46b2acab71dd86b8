package io.github.unixhttp.unit.spring;

import java.util.ArrayList;
import java.util.List;

import io.github.unixhttp.connector.binding.SocketFileMode;
import io.github.unixhttp.connector.binding.StaleSocketPolicy;
import io.github.unixhttp.unit.server.SettingKey;
import io.github.unixhttp.unit.server.SettingsParser;
import io.github.unixhttp.unit.server.SettingsSource;
import io.github.unixhttp.unit.server.UnixSocketSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code unixhttp.server.*} properties: where and how Spring Boot's embedded Jetty serves on a Unix socket.
 * Setting {@code socket-path} (or {@code inherit=true}) turns it on. They are the shared {@link UnixSocketSettings}
 * under Spring's names: each value is checked by that schema as it binds, so that a value that cannot be right (a
 * mode that is not octal, an empty list entry) fails the binding and Spring Boot names the property, its value and
 * where it came from before anything listens; {@link #settings()} then checks them together.
 */
@ConfigurationProperties(UnixHttpServerProperties.PREFIX)
public class UnixHttpServerProperties
{
    public static final String PREFIX = "unixhttp.server";

    /** The mode a socket file gets unless {@code file-mode} says otherwise: only this server's user may connect. */
    public static final String DEFAULT_FILE_MODE = "0600";

    /** The schema's settings as Spring spells them; the one place the names differ from the other front ends'. */
    private static final SettingsParser SETTINGS = UnixSocketSettings.parser(UnixHttpServerProperties::propertyName)
        .defaultFileMode(SocketFileMode.parse(DEFAULT_FILE_MODE));

    /** A file system path such as {@code /run/app/app.sock}, or {@code @name} for a Linux abstract name. */
    private String socketPath;

    /** The socket file's permission bits, set before any client can connect. Default 0600; not for {@code @name}. */
    private String fileMode;

    /** The socket file's group, a name or a gid; the process must be root or a member. Not for {@code @name}. */
    private String fileGroup;

    /** A socket already at the path that nothing listens on: remove it, or fail to start. */
    private StaleSocketPolicy staleSocket = StaleSocketPolicy.REMOVE;

    /** Serve the listening socket a supervisor handed over (systemd socket activation, s6) instead of binding one. */
    private boolean inherit;

    /** Which of several sockets systemd passed to serve, by its FileDescriptorName=; implies inherit. */
    private String inheritName;

    /** Users (names or uids) who may connect; with allow-groups, anyone matching either. Empty: not restricted. */
    private List<String> allowUsers = new ArrayList<>();

    /** Groups (names or gids, primary or supplementary) whose members may connect. Empty: not restricted. */
    private List<String> allowGroups = new ArrayList<>();

    /**
     * Users (names or uids) whose Forwarded/X-Forwarded-* headers are believed, for example nginx's www-data, when
     * server.forward-headers-strategy=native. Empty: only this server's own user.
     */
    private List<String> trustProxies = new ArrayList<>();

    /** Also accept HTTP/2 cleartext with prior knowledge on the socket (needs jetty-http2-server). */
    private boolean h2c;

    /** Keep Spring Boot's TCP connector beside the socket; false (the default): the socket replaces it. */
    private boolean keepTcp;

    /** Bind in a directory that other users may write to without the sticky bit (they could take the socket over). */
    private boolean allowUnsafeDirectory;

    /**
     * Take the path over from a live server of the same user (a restart without a failed request): this application
     * binds privately and swaps its socket in once its web server has started; the old one drains and closes.
     */
    private boolean takeover;

    /** Executables whose processes may connect (absolute paths); with allow-users/allow-groups both must hold. Linux 6.5+. */
    private List<String> allowExecutables = new ArrayList<>();

    /** systemd units whose processes may connect, such as nginx.service. Linux 6.5+. */
    private List<String> allowUnits = new ArrayList<>();

    /** cgroup paths whose processes (and those below) may connect, such as /system.slice/nginx.service. Linux 6.5+. */
    private List<String> allowCgroups = new ArrayList<>();

    /** Read each peer's process (executable, unit, cgroup) for the request attributes and logs. Linux 6.5+. */
    private boolean readPeerProcess;

    /** Write the audit trail: a JSON line per accepted, refused and closed connection on the io.github.unixhttp.audit logger. */
    private boolean audit;

    /** At most this many connections at once per caller (default: the connector's, 1024). */
    private Integer callerMaxConnections;

    /** At most this many requests in flight at once per caller (default: unlimited). */
    private Integer callerMaxRequestsInFlight;

    /** At most this many requests per second per caller, with a burst of as many (default: unlimited). */
    private Double callerRequestRate;

    public List<String> getAllowExecutables()
    {
        return allowExecutables;
    }

    public void setAllowExecutables(List<String> allowExecutables)
    {
        this.allowExecutables = allowExecutables;
    }

    public List<String> getAllowUnits()
    {
        return allowUnits;
    }

    public void setAllowUnits(List<String> allowUnits)
    {
        this.allowUnits = allowUnits;
    }

    public List<String> getAllowCgroups()
    {
        return allowCgroups;
    }

    public void setAllowCgroups(List<String> allowCgroups)
    {
        this.allowCgroups = allowCgroups;
    }

    public boolean isReadPeerProcess()
    {
        return readPeerProcess;
    }

    public void setReadPeerProcess(boolean readPeerProcess)
    {
        this.readPeerProcess = readPeerProcess;
    }

    public boolean isAudit()
    {
        return audit;
    }

    public void setAudit(boolean audit)
    {
        this.audit = audit;
    }

    public Integer getCallerMaxConnections()
    {
        return callerMaxConnections;
    }

    public void setCallerMaxConnections(Integer callerMaxConnections)
    {
        this.callerMaxConnections = callerMaxConnections;
    }

    public Integer getCallerMaxRequestsInFlight()
    {
        return callerMaxRequestsInFlight;
    }

    public void setCallerMaxRequestsInFlight(Integer callerMaxRequestsInFlight)
    {
        this.callerMaxRequestsInFlight = callerMaxRequestsInFlight;
    }

    public Double getCallerRequestRate()
    {
        return callerRequestRate;
    }

    public void setCallerRequestRate(Double callerRequestRate)
    {
        this.callerRequestRate = callerRequestRate;
    }

    public String getSocketPath()
    {
        return socketPath;
    }

    /**
     * @throws io.github.unixhttp.unit.server.SettingsException if the text cannot name a socket (too long, a NUL
     *         byte, an abstract name that is not printable ASCII), saying why
     */
    public void setSocketPath(String socketPath)
    {
        SETTINGS.checkText(SettingKey.SOCKET, socketPath);
        this.socketPath = socketPath;
    }

    public String getFileMode()
    {
        return fileMode;
    }

    /**
     * @throws io.github.unixhttp.unit.server.SettingsException if the text is not an octal mode from 0000 to 0777,
     *         saying so
     */
    public void setFileMode(String fileMode)
    {
        SETTINGS.checkText(SettingKey.FILE_MODE, fileMode);
        this.fileMode = fileMode;
    }

    public String getFileGroup()
    {
        return fileGroup;
    }

    public void setFileGroup(String fileGroup)
    {
        this.fileGroup = fileGroup;
    }

    public StaleSocketPolicy getStaleSocket()
    {
        return staleSocket;
    }

    public void setStaleSocket(StaleSocketPolicy staleSocket)
    {
        this.staleSocket = staleSocket;
    }

    public boolean isInherit()
    {
        return inherit;
    }

    public void setInherit(boolean inherit)
    {
        this.inherit = inherit;
    }

    public String getInheritName()
    {
        return inheritName;
    }

    /**
     * @throws io.github.unixhttp.unit.server.SettingsException if the text cannot be a FileDescriptorName= (empty, or
     *         with a ':')
     */
    public void setInheritName(String inheritName)
    {
        SETTINGS.checkText(SettingKey.INHERIT_NAME, inheritName);
        this.inheritName = inheritName;
    }

    public List<String> getAllowUsers()
    {
        return allowUsers;
    }

    /**
     * @throws io.github.unixhttp.unit.server.SettingsException for an empty entry or an id out of range
     */
    public void setAllowUsers(List<String> allowUsers)
    {
        SETTINGS.checkList(SettingKey.ALLOW_USERS, allowUsers);
        this.allowUsers = allowUsers;
    }

    public List<String> getAllowGroups()
    {
        return allowGroups;
    }

    /**
     * @throws io.github.unixhttp.unit.server.SettingsException for an empty entry or an id out of range
     */
    public void setAllowGroups(List<String> allowGroups)
    {
        SETTINGS.checkList(SettingKey.ALLOW_GROUPS, allowGroups);
        this.allowGroups = allowGroups;
    }

    public List<String> getTrustProxies()
    {
        return trustProxies;
    }

    /**
     * @throws io.github.unixhttp.unit.server.SettingsException for an empty entry or an id out of range
     */
    public void setTrustProxies(List<String> trustProxies)
    {
        SETTINGS.checkList(SettingKey.TRUST_PROXIES, trustProxies);
        this.trustProxies = trustProxies;
    }

    public boolean isH2c()
    {
        return h2c;
    }

    public void setH2c(boolean h2c)
    {
        this.h2c = h2c;
    }

    public boolean isKeepTcp()
    {
        return keepTcp;
    }

    public void setKeepTcp(boolean keepTcp)
    {
        this.keepTcp = keepTcp;
    }

    public boolean isAllowUnsafeDirectory()
    {
        return allowUnsafeDirectory;
    }

    public void setAllowUnsafeDirectory(boolean allowUnsafeDirectory)
    {
        this.allowUnsafeDirectory = allowUnsafeDirectory;
    }

    public boolean isTakeover()
    {
        return takeover;
    }

    public void setTakeover(boolean takeover)
    {
        this.takeover = takeover;
    }

    /** Whether the socket is inherited from a supervisor: {@code inherit} or an {@code inherit-name}. */
    public boolean inherits()
    {
        return inherit || inheritName != null;
    }

    /**
     * @return the properties as the shared settings, with a socket file's mode {@value #DEFAULT_FILE_MODE} unless
     *         {@code file-mode} says otherwise
     * @throws io.github.unixhttp.unit.server.SettingsException listing every problem, each naming its property
     *         ({@code unixhttp.server.file-mode does not apply to an inherited socket ...})
     */
    public UnixSocketSettings settings()
    {
        return SETTINGS.parse(SettingsSource.of(this::text, this::list));
    }

    private String text(SettingKey key)
    {
        return switch (key)
        {
            case SOCKET -> socketPath;
            // Spring's default false is "not set": inherit-name alone asks for the socket it names.
            case INHERIT -> inherit ? "true" : null;
            case INHERIT_NAME -> inheritName;
            case FILE_MODE -> fileMode;
            case FILE_GROUP -> fileGroup;
            case STALE_SOCKET -> staleSocket == null ? null : staleSocket.name();
            case ALLOW_UNSAFE_DIRECTORY -> String.valueOf(allowUnsafeDirectory);
            case TAKEOVER -> String.valueOf(takeover);
            case H2C -> String.valueOf(h2c);
            case READ_PEER_PROCESS -> String.valueOf(readPeerProcess);
            case AUDIT -> String.valueOf(audit);
            case CALLER_MAX_CONNECTIONS -> callerMaxConnections == null ? null : callerMaxConnections.toString();
            case CALLER_MAX_REQUESTS_IN_FLIGHT -> callerMaxRequestsInFlight == null ? null : callerMaxRequestsInFlight.toString();
            case CALLER_REQUEST_RATE -> callerRequestRate == null ? null : callerRequestRate.toString();
            case ALLOW_USERS, ALLOW_GROUPS, TRUST_PROXIES, ACCEPT_QUEUE_SIZE, ALLOW_EXECUTABLES, ALLOW_UNITS, ALLOW_CGROUPS -> null;
        };
    }

    private List<String> list(SettingKey key)
    {
        return switch (key)
        {
            case ALLOW_USERS -> allowUsers;
            case ALLOW_GROUPS -> allowGroups;
            case TRUST_PROXIES -> trustProxies;
            case ALLOW_EXECUTABLES -> allowExecutables;
            case ALLOW_UNITS -> allowUnits;
            case ALLOW_CGROUPS -> allowCgroups;
            default -> null;
        };
    }

    /** @return the property that gives {@code key}, as messages name it; {@code null} for a setting Spring does not offer */
    static String propertyName(SettingKey key)
    {
        String name = switch (key)
        {
            case SOCKET -> "socket-path";
            case INHERIT -> "inherit";
            case INHERIT_NAME -> "inherit-name";
            case FILE_MODE -> "file-mode";
            case FILE_GROUP -> "file-group";
            case STALE_SOCKET -> "stale-socket";
            case ALLOW_UNSAFE_DIRECTORY -> "allow-unsafe-directory";
            case TAKEOVER -> "takeover";
            case ALLOW_USERS -> "allow-users";
            case ALLOW_GROUPS -> "allow-groups";
            case TRUST_PROXIES -> "trust-proxies";
            case H2C -> "h2c";
            case ACCEPT_QUEUE_SIZE -> null;
            case ALLOW_EXECUTABLES -> "allow-executables";
            case ALLOW_UNITS -> "allow-units";
            case ALLOW_CGROUPS -> "allow-cgroups";
            case READ_PEER_PROCESS -> "read-peer-process";
            case AUDIT -> "audit";
            case CALLER_MAX_CONNECTIONS -> "caller-max-connections";
            case CALLER_MAX_REQUESTS_IN_FLIGHT -> "caller-max-requests-in-flight";
            case CALLER_REQUEST_RATE -> "caller-request-rate";
        };
        return name == null ? null : PREFIX + "." + name;
    }
}
