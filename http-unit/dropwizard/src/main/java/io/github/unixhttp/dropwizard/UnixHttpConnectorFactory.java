package io.github.unixhttp.dropwizard;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.metrics.jetty12.InstrumentedConnectionFactory;
import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.unit.server.SettingKey;
import io.github.unixhttp.unit.server.SettingsParser;
import io.github.unixhttp.unit.server.SettingsSource;
import io.github.unixhttp.unit.server.UnixSocketSettings;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ProxyConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.ThreadPool;

/**
 * Dropwizard's {@code type: unixhttp} connector: HTTP/1.1 on a Unix socket, with everything
 * {@link UnixSocketConnector} offers. Found by Dropwizard's discovery once this artifact is on the class path.
 *
 * <pre>
 * server:
 *   applicationConnectors:
 *     - type: unixhttp
 *       path: /run/app/app.sock     # or "@name" for a Linux abstract socket
 *       mode: "0660"                # quoted: unquoted, YAML reads 0660 as a number
 *       group: www-data
 *       staleSocket: remove         # or fail
 *       allowUsers: [root, deploy]  # names or uids; unset: everyone who can open the file
 *       allowGroups: [ops]
 *       trustProxies: [www-data]    # whose Forwarded / PROXY headers are believed
 *       inherit: false              # true, or a systemd FileDescriptorName=, to serve a passed socket
 *       allowUnits: [nginx.service] # which program may call (also allowExecutables, allowCgroups); Linux 6.5+
 *       readPeerProcess: false      # the calling program as request attributes
 *       audit: false                # a JSON line per accepted, refused and closed connection
 *       callerMaxConnections: 1024  # per caller; also callerMaxRequestsInFlight, callerRequestRate
 * </pre>
 *
 * <p>Dropwizard's HTTP settings ({@code idleTimeout}, buffer and header sizes, {@code useForwardedHeaders},
 * {@code useProxyProtocol}, {@code acceptorThreads}, {@code selectorThreads}, {@code acceptQueueSize}, ...) apply as
 * for {@code type: http}. The TCP settings {@code port}, {@code bindHost}, {@code reuseAddress} and
 * {@code inheritChannel} mean nothing here and are refused, so that a copied {@code http} block cannot silently
 * listen somewhere else than it says.</p>
 *
 * <p>The socket's fields are the shared {@link UnixSocketSettings} under their YAML names: each value is checked as
 * Dropwizard reads the file (which names the field at fault), the rules between them when the connector is built,
 * every problem at once ({@link io.github.unixhttp.unit.server.SettingsException}).</p>
 */
@JsonTypeName("unixhttp")
public class UnixHttpConnectorFactory extends HttpConnectorFactory
{
    /** The schema's settings as this factory's YAML fields spell them; the file mode is left to the umask unless set. */
    private static final SettingsParser SETTINGS = UnixSocketSettings.parser(UnixHttpConnectorFactory::fieldName);

    private String path;
    private String mode;
    private String group;
    private String staleSocket;
    private List<String> allowUsers = List.of();
    private List<String> allowGroups = List.of();
    private List<String> trustProxies = List.of();
    private String inherit;
    private boolean allowUnsafeDirectory;
    private boolean takeover;
    private List<String> allowExecutables = List.of();
    private List<String> allowUnits = List.of();
    private List<String> allowCgroups = List.of();
    private boolean readPeerProcess;
    private boolean audit;
    private Integer callerMaxConnections;
    private Integer callerMaxRequestsInFlight;
    private Double callerRequestRate;

    @JsonProperty
    public List<String> getAllowExecutables()
    {
        return allowExecutables;
    }

    /** @param allowExecutables executables (absolute paths) whose processes may connect */
    @JsonProperty
    public void setAllowExecutables(List<String> allowExecutables)
    {
        this.allowExecutables = allowExecutables;
    }

    @JsonProperty
    public List<String> getAllowUnits()
    {
        return allowUnits;
    }

    /** @param allowUnits systemd units whose processes may connect */
    @JsonProperty
    public void setAllowUnits(List<String> allowUnits)
    {
        this.allowUnits = allowUnits;
    }

    @JsonProperty
    public List<String> getAllowCgroups()
    {
        return allowCgroups;
    }

    /** @param allowCgroups cgroup paths whose processes (and those below) may connect */
    @JsonProperty
    public void setAllowCgroups(List<String> allowCgroups)
    {
        this.allowCgroups = allowCgroups;
    }

    @JsonProperty
    public boolean isReadPeerProcess()
    {
        return readPeerProcess;
    }

    /** @param readPeerProcess read each peer's process for the request attributes and logs */
    @JsonProperty
    public void setReadPeerProcess(boolean readPeerProcess)
    {
        this.readPeerProcess = readPeerProcess;
    }

    @JsonProperty
    public boolean isAudit()
    {
        return audit;
    }

    /** @param audit write the audit trail */
    @JsonProperty
    public void setAudit(boolean audit)
    {
        this.audit = audit;
    }

    @JsonProperty
    public Integer getCallerMaxConnections()
    {
        return callerMaxConnections;
    }

    /** @param max connections at once per caller */
    @JsonProperty
    public void setCallerMaxConnections(Integer max)
    {
        this.callerMaxConnections = max;
    }

    @JsonProperty
    public Integer getCallerMaxRequestsInFlight()
    {
        return callerMaxRequestsInFlight;
    }

    /** @param max requests in flight at once per caller */
    @JsonProperty
    public void setCallerMaxRequestsInFlight(Integer max)
    {
        this.callerMaxRequestsInFlight = max;
    }

    @JsonProperty
    public Double getCallerRequestRate()
    {
        return callerRequestRate;
    }

    /** @param perSecond requests per second per caller */
    @JsonProperty
    public void setCallerRequestRate(Double perSecond)
    {
        this.callerRequestRate = perSecond;
    }

    @JsonProperty
    public String getPath()
    {
        return path;
    }

    /** @param path the socket file, or {@code @name} for a Linux abstract socket */
    @JsonProperty
    public void setPath(String path)
    {
        SETTINGS.checkText(SettingKey.SOCKET, path);
        this.path = path;
    }

    @JsonProperty
    public String getMode()
    {
        return mode;
    }

    /**
     * @param mode the socket file's permission bits in octal, as a quoted string such as {@code "0660"}; unset, the
     *             process umask decides (unlike Spring Boot's and the demo's 0600), so set it
     */
    @JsonProperty
    @JsonDeserialize(using = QuotedMode.class)
    public void setMode(String mode)
    {
        SETTINGS.checkText(SettingKey.FILE_MODE, mode);
        this.mode = mode;
    }

    @JsonProperty
    public String getGroup()
    {
        return group;
    }

    /** @param group the socket file's group: a name or a gid */
    @JsonProperty
    public void setGroup(String group)
    {
        this.group = group;
    }

    @JsonProperty
    public String getStaleSocket()
    {
        return staleSocket;
    }

    /** @param staleSocket {@code remove} (the default) or {@code fail}: what to do with a dead socket at the path */
    @JsonProperty
    public void setStaleSocket(String staleSocket)
    {
        SETTINGS.checkText(SettingKey.STALE_SOCKET, staleSocket);
        this.staleSocket = staleSocket;
    }

    @JsonProperty
    public List<String> getAllowUsers()
    {
        return allowUsers;
    }

    /** @param allowUsers user names or uids allowed to connect; unset or empty: not restricted by user */
    @JsonProperty
    public void setAllowUsers(List<String> allowUsers)
    {
        SETTINGS.checkList(SettingKey.ALLOW_USERS, allowUsers);
        this.allowUsers = allowUsers == null ? List.of() : List.copyOf(allowUsers);
    }

    @JsonProperty
    public List<String> getAllowGroups()
    {
        return allowGroups;
    }

    /** @param allowGroups group names or gids (primary or supplementary) allowed to connect */
    @JsonProperty
    public void setAllowGroups(List<String> allowGroups)
    {
        SETTINGS.checkList(SettingKey.ALLOW_GROUPS, allowGroups);
        this.allowGroups = allowGroups == null ? List.of() : List.copyOf(allowGroups);
    }

    @JsonProperty
    public List<String> getTrustProxies()
    {
        return trustProxies;
    }

    /** @param trustProxies user names or uids whose PROXY protocol and Forwarded headers are believed */
    @JsonProperty
    public void setTrustProxies(List<String> trustProxies)
    {
        SETTINGS.checkList(SettingKey.TRUST_PROXIES, trustProxies);
        this.trustProxies = trustProxies == null ? List.of() : List.copyOf(trustProxies);
    }

    @JsonProperty
    public String getInherit()
    {
        return inherit;
    }

    /** @param inherit {@code true} to serve the socket a supervisor passed, or the systemd socket's FileDescriptorName= */
    @JsonProperty
    public void setInherit(String inherit)
    {
        SETTINGS.checkText(SettingKey.INHERIT, inherit);
        this.inherit = inherit;
    }

    @JsonProperty
    public boolean isAllowUnsafeDirectory()
    {
        return allowUnsafeDirectory;
    }

    /** @param allowUnsafeDirectory bind even where another user could replace the socket file */
    @JsonProperty
    public void setAllowUnsafeDirectory(boolean allowUnsafeDirectory)
    {
        this.allowUnsafeDirectory = allowUnsafeDirectory;
    }

    @JsonProperty
    public boolean isTakeover()
    {
        return takeover;
    }

    /**
     * @param takeover take the path over from a live server of the same user: a new version started while the old one
     *                 serves swaps its socket in once started, and the old one drains and stops, without a failed request
     */
    @JsonProperty
    public void setTakeover(boolean takeover)
    {
        this.takeover = takeover;
    }

    @Override
    public void setPort(int port)
    {
        throw tcpOnly("port", "path");
    }

    @Override
    public void setBindHost(String bindHost)
    {
        throw tcpOnly("bindHost", "path");
    }

    @Override
    public void setReuseAddress(boolean reuseAddress)
    {
        throw tcpOnly("reuseAddress", "staleSocket");
    }

    @Override
    public void setInheritChannel(boolean inheritChannel)
    {
        throw tcpOnly("inheritChannel", "inherit");
    }

    private static IllegalArgumentException tcpOnly(String setting, String instead)
    {
        return new IllegalArgumentException("'" + setting + "' is a TCP setting, which a unixhttp connector has no use for: " +
            "remove it (see '" + instead + "')");
    }

    @Override
    public Connector build(Server server, MetricRegistry metrics, String name, ThreadPool threadPool)
    {
        UnixSocketSettings settings = settings();
        // Dropwizard's configuration, fit for Unix sockets: its ForwardedRequestCustomizer (useForwardedHeaders) believes
        // headers from the trusted proxies only, and requests carry the peer's credentials.
        HttpConnectionFactory http = buildHttpConnectionFactory(UnixSocketConnector.newHttpConfiguration(buildHttpConfiguration()));
        List<ConnectionFactory> factories = new ArrayList<>();
        // The connector believes a PROXY header only from trustProxies; from others the header is a bad request.
        if (isUseProxyProtocol())
            factories.add(new ProxyConnectionFactory(http.getProtocol()));
        factories.add(new InstrumentedHttpConnectionFactory(http, metrics.timer(httpConnections())));
        UnixSocketConnector connector = new UnixSocketConnector(server, threadPool, null, buildBufferPool(),
            getAcceptorThreads().orElse(0), getSelectorThreads().orElse(-1), factories.toArray(ConnectionFactory[]::new));
        connector.setName(name);
        connector.setIdleTimeout(getIdleTimeout().toMilliseconds());
        return settings.applyTo(connector);
    }

    /**
     * @return the fields as the shared settings
     * @throws io.github.unixhttp.unit.server.SettingsException listing every problem, each naming its field
     */
    public UnixSocketSettings settings()
    {
        return SETTINGS.parse(SettingsSource.of(this::text, this::list));
    }

    private String text(SettingKey key)
    {
        return switch (key)
        {
            case SOCKET -> path;
            case INHERIT -> inherit;
            case FILE_MODE -> mode;
            case FILE_GROUP -> group;
            case STALE_SOCKET -> staleSocket;
            case ALLOW_UNSAFE_DIRECTORY -> String.valueOf(allowUnsafeDirectory);
            case TAKEOVER -> String.valueOf(takeover);
            case ACCEPT_QUEUE_SIZE -> getAcceptQueueSize() == null ? null : String.valueOf(getAcceptQueueSize());
            case READ_PEER_PROCESS -> String.valueOf(readPeerProcess);
            case AUDIT -> String.valueOf(audit);
            case CALLER_MAX_CONNECTIONS -> callerMaxConnections == null ? null : callerMaxConnections.toString();
            case CALLER_MAX_REQUESTS_IN_FLIGHT -> callerMaxRequestsInFlight == null ? null : callerMaxRequestsInFlight.toString();
            case CALLER_REQUEST_RATE -> callerRequestRate == null ? null : callerRequestRate.toString();
            case INHERIT_NAME, H2C, ALLOW_USERS, ALLOW_GROUPS, TRUST_PROXIES, ALLOW_EXECUTABLES, ALLOW_UNITS, ALLOW_CGROUPS -> null;
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

    /** @return the YAML field that gives {@code key}, as messages name it; {@code null} for a setting not offered here */
    static String fieldName(SettingKey key)
    {
        return switch (key)
        {
            case SOCKET -> "path";
            case INHERIT -> "inherit";
            case FILE_MODE -> "mode";
            case FILE_GROUP -> "group";
            case STALE_SOCKET -> "staleSocket";
            case ALLOW_UNSAFE_DIRECTORY -> "allowUnsafeDirectory";
            case TAKEOVER -> "takeover";
            case ALLOW_USERS -> "allowUsers";
            case ALLOW_GROUPS -> "allowGroups";
            case TRUST_PROXIES -> "trustProxies";
            case ACCEPT_QUEUE_SIZE -> "acceptQueueSize";
            case ALLOW_EXECUTABLES -> "allowExecutables";
            case ALLOW_UNITS -> "allowUnits";
            case ALLOW_CGROUPS -> "allowCgroups";
            case READ_PEER_PROCESS -> "readPeerProcess";
            case AUDIT -> "audit";
            case CALLER_MAX_CONNECTIONS -> "callerMaxConnections";
            case CALLER_MAX_REQUESTS_IN_FLIGHT -> "callerMaxRequestsInFlight";
            case CALLER_REQUEST_RATE -> "callerRequestRate";
            case INHERIT_NAME, H2C -> null;
        };
    }

    @Override
    protected String httpConnections()
    {
        return MetricRegistry.name(UnixHttpConnectorFactory.class, path == null ? "inherited" : path, "connections");
    }

    /**
     * Dropwizard's connection metrics around the HTTP factory, still showing its {@link HttpConfiguration}: the connector
     * finds the configuration through the factories to put the peer's credentials on requests (and to make
     * forwarded headers depend on trustProxies), and Dropwizard's own wrapper hides it.
     */
    static final class InstrumentedHttpConnectionFactory extends InstrumentedConnectionFactory implements HttpConfiguration.ConnectionFactory
    {
        private final HttpConnectionFactory http;

        InstrumentedHttpConnectionFactory(HttpConnectionFactory http, Timer timer)
        {
            super(http, timer);
            this.http = http;
        }

        @Override
        public HttpConfiguration getHttpConfiguration()
        {
            return http.getHttpConfiguration();
        }
    }

    /**
     * Takes the mode only as text: unquoted, YAML reads {@code 0660} as a number (octal in YAML 1.1, decimal 660 in
     * 1.2), and which one cannot be told afterwards.
     */
    public static final class QuotedMode extends JsonDeserializer<String>
    {
        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException
        {
            if (parser.currentToken() != JsonToken.VALUE_STRING)
                throw context.weirdStringException(parser.getText(), String.class, "write the mode in quotes, e.g. " +
                    "mode: \"0660\" (unquoted, YAML may read it as a number in another base)");
            return parser.getText();
        }
    }
}
