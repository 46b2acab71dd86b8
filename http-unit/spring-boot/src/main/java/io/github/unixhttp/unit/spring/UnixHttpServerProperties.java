package io.github.unixhttp.unit.spring;

import java.util.ArrayList;
import java.util.List;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.connector.binding.SocketFileMode;
import io.github.unixhttp.connector.binding.StaleSocketPolicy;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code unixhttp.server.*} properties: where and how Spring Boot's embedded Jetty serves on a Unix socket.
 * Setting {@code socket-path} (or {@code inherit=true}) turns it on. Values that cannot be right (a mode that is
 * not octal, an empty list entry) fail the binding, so Spring Boot names the property, its value and where it came
 * from before anything listens.
 */
@ConfigurationProperties(UnixHttpServerProperties.PREFIX)
public class UnixHttpServerProperties
{
    public static final String PREFIX = "unixhttp.server";

    /** The mode a socket file gets unless {@code file-mode} says otherwise: only this server's user may connect. */
    public static final String DEFAULT_FILE_MODE = "0600";

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

    public String getSocketPath()
    {
        return socketPath;
    }

    /**
     * @throws IllegalArgumentException if the text cannot name a socket (too long, a NUL byte, an abstract name that
     *                                  is not printable ASCII), saying why
     */
    public void setSocketPath(String socketPath)
    {
        if (socketPath != null)
            UnixSocketAddress.parse(socketPath);
        this.socketPath = socketPath;
    }

    public String getFileMode()
    {
        return fileMode;
    }

    /**
     * @throws IllegalArgumentException if the text is not an octal mode from 0000 to 0777, saying so
     */
    public void setFileMode(String fileMode)
    {
        if (fileMode != null)
            SocketFileMode.parse(fileMode);
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

    public void setInheritName(String inheritName)
    {
        this.inheritName = inheritName;
    }

    public List<String> getAllowUsers()
    {
        return allowUsers;
    }

    public void setAllowUsers(List<String> allowUsers)
    {
        this.allowUsers = checked(allowUsers);
    }

    public List<String> getAllowGroups()
    {
        return allowGroups;
    }

    public void setAllowGroups(List<String> allowGroups)
    {
        this.allowGroups = checked(allowGroups);
    }

    public List<String> getTrustProxies()
    {
        return trustProxies;
    }

    public void setTrustProxies(List<String> trustProxies)
    {
        this.trustProxies = checked(trustProxies);
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

    /** Whether the socket is a Linux abstract name, which has no file. */
    public boolean isAbstractName()
    {
        return socketPath != null && UnixSocketAddress.parse(socketPath).kind() == UnixSocketAddress.Kind.ABSTRACT_NAME;
    }

    /**
     * @return where to listen: the inherited socket, else {@code socket-path} read as {@link UnixSocketAddress#parse}
     *         does; {@code null} if neither is set
     */
    public UnixSocketAddress address()
    {
        if (inherits())
            return UnixSocketAddress.inherited(inheritName);
        return socketPath == null ? null : UnixSocketAddress.parse(socketPath);
    }

    /**
     * @return the mode to give the socket file: the one configured, else {@value #DEFAULT_FILE_MODE} for a path;
     *         {@code null} for an abstract name or an inherited socket, which have no file of ours
     */
    public SocketFileMode effectiveFileMode()
    {
        if (fileMode != null)
            return SocketFileMode.parse(fileMode);
        return inherits() || isAbstractName() ? null : SocketFileMode.parse(DEFAULT_FILE_MODE);
    }

    /** An empty entry ({@code allow-users=root,,www-data}) is a slip that must not widen or narrow a list silently. */
    private static List<String> checked(List<String> entries)
    {
        List<String> trimmed = new ArrayList<>();
        for (String entry : entries)
        {
            if (entry == null || entry.isBlank())
                throw new IllegalArgumentException("An empty entry in the list " + entries + ": remove it");
            trimmed.add(entry.trim());
        }
        return trimmed;
    }
}
