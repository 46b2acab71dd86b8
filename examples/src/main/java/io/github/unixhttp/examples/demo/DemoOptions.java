package io.github.unixhttp.examples.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import io.github.unixhttp.connector.binding.SocketFileMode;
import io.github.unixhttp.unit.server.SettingKey;
import io.github.unixhttp.unit.server.SettingsException;
import io.github.unixhttp.unit.server.SettingsParser;
import io.github.unixhttp.unit.server.SettingsProblem;
import io.github.unixhttp.unit.server.SettingsSource;
import io.github.unixhttp.unit.server.UnixSocketSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The demo's command line, parsed by picocli (which also writes {@code --help} and {@code --version}) and then read
 * as the shared {@link UnixSocketSettings}, which checks the values and the rules between them as every other front
 * end's. A bad command line is a {@link CommandLine.ParameterException} naming each option at fault: exit status 2.
 */
@Command(name = "unixhttp-demo", mixinStandardHelpOptions = true, versionProvider = DemoOptions.Version.class,
    synopsisHeading = "", customSynopsis = "usage: java -jar unixhttp-demo.jar [options]", sortOptions = false,
    description = "An admin server over a Unix socket: who you are by the kernel's word, uptime, connections.",
    footer = {"", "Exit status: 0 after a clean stop (SIGTERM, Ctrl-C, or taken over and drained), 1 when it cannot listen, 2 for a bad command line."})
public final class DemoOptions
{
    /**
     * The settings as this command line spells them. Stricter than a configuration file's: a user or group name this
     * system does not know is a typo until shown otherwise (a numeric id is taken as it is).
     */
    private static final SettingsParser SETTINGS = UnixSocketSettings.parser(DemoOptions::optionName)
        .defaultFileMode(SocketFileMode.of(0600))
        .socketOptional()
        .requireKnownNames();

    @Option(names = "--socket", paramLabel = "PATH|@NAME", description = "where to listen (default: " +
        "$XDG_RUNTIME_DIR/unixhttp-demo.sock, else in the private 0700 directory $${TMPDIR:-/tmp}/unixhttp-$USER)")
    private String socket;

    @Option(names = "--inherit", description = "serve the listening socket handed over (fd 0 or LISTEN_FDS)")
    private boolean inherit;

    @Option(names = "--mode", paramLabel = "OCTAL", description = "socket file mode (default 0600)")
    private String mode;

    @Option(names = "--group", paramLabel = "NAME|GID", description = "socket file group")
    private String group;

    @Option(names = "--allow-uid", paramLabel = "LIST", split = ",", description = "comma-separated uids or user names allowed to connect")
    private List<String> allowUids = new ArrayList<>();

    @Option(names = "--allow-gid", paramLabel = "LIST", split = ",",
        description = "comma-separated gids or group names (primary or supplementary) allowed to connect")
    private List<String> allowGids = new ArrayList<>();

    @Option(names = "--trust-proxy", paramLabel = "LIST", split = ",",
        description = "uids or user names whose Forwarded/X-Forwarded-* headers are believed (nginx's www-data)")
    private List<String> trustedProxies = new ArrayList<>();

    @Option(names = "--proxy-protocol", description = "the trusted proxies send a PROXY header (v1 or v2) instead, as " +
        "HAProxy's send-proxy-v2 does; forwarded headers are then not believed from anyone")
    private boolean proxyProtocol;

    @Option(names = "--stale", paramLabel = "remove|fail", description = "a dead socket left at the path: remove it (default) or fail")
    private String stale;

    @Option(names = "--h2c", description = "also accept HTTP/2 cleartext with prior knowledge")
    private boolean h2c;

    @Option(names = "--takeover", description = "if a server of this user listens on the path, take it over: start, " +
        "then put this server's socket in its place in one step; the old one finishes what it has and exits 0")
    private boolean takeover;

    @Option(names = "--allow-exe", paramLabel = "LIST", split = ",",
        description = "comma-separated executables (absolute paths) whose processes may connect (Linux 6.5+)")
    private List<String> allowExecutables;

    @Option(names = "--allow-unit", paramLabel = "LIST", split = ",",
        description = "comma-separated systemd units whose processes may connect, e.g. nginx.service (Linux 6.5+)")
    private List<String> allowUnits;

    @Option(names = "--allow-cgroup", paramLabel = "LIST", split = ",",
        description = "comma-separated cgroup paths whose processes may connect (Linux 6.5+)")
    private List<String> allowCgroups;

    @Option(names = "--read-peer-process", description = "read each peer's process (executable, unit) for /whoami and the log")
    private boolean readPeerProcess;

    @Option(names = "--audit", description = "write the audit trail: a JSON line per accepted, refused and closed connection")
    private boolean audit;

    @Option(names = "--caller-max-connections", paramLabel = "N", description = "connections at once per caller (default 1024)")
    private String callerMaxConnections;

    @Option(names = "--caller-max-in-flight", paramLabel = "N", description = "requests in flight at once per caller")
    private String callerMaxRequestsInFlight;

    @Option(names = "--caller-rate", paramLabel = "PER_SECOND", description = "requests per second per caller")
    private String callerRequestRate;

    /** The options as the shared settings, once checked. */
    private UnixSocketSettings settings;

    private DemoOptions()
    {
    }

    /**
     * @return the command line for the demo's options
     */
    public static CommandLine commandLine()
    {
        return new CommandLine(new DemoOptions());
    }

    /**
     * Parses and checks a command line for {@code --help} or {@code --version} first, then the options as a whole.
     *
     * @throws CommandLine.ParameterException naming the option that is wrong
     */
    public static DemoOptions parse(CommandLine commandLine, String... args)
    {
        commandLine.parseArgs(args);
        DemoOptions options = commandLine.getCommand();
        if (!commandLine.isUsageHelpRequested() && !commandLine.isVersionHelpRequested())
            options.check(commandLine);
        return options;
    }

    private void check(CommandLine commandLine)
    {
        List<String> problems = new ArrayList<>();
        SettingsException settingsProblems = null;
        try
        {
            settings = SETTINGS.parse(SettingsSource.of(this::text, this::list));
        }
        catch (SettingsException bad)
        {
            settingsProblems = bad;
            bad.problems().stream().map(SettingsProblem::message).forEach(problems::add);
        }
        // The demo's own rule: with a PROXY header, forwarded headers are not believed, so someone must be trusted.
        if (proxyProtocol && trustedProxies.isEmpty())
            problems.add("--proxy-protocol needs --trust-proxy: say whose PROXY headers to believe (e.g. haproxy)");
        // The settings' problems stay the cause, typed, for whoever handles more than the message.
        if (!problems.isEmpty())
            throw new CommandLine.ParameterException(commandLine, String.join("; ", problems), settingsProblems);
    }

    private String text(SettingKey key)
    {
        return switch (key)
        {
            case SOCKET -> socket;
            case INHERIT -> inherit ? "true" : null;
            case FILE_MODE -> mode;
            case FILE_GROUP -> group;
            case STALE_SOCKET -> stale;
            case TAKEOVER -> String.valueOf(takeover);
            case H2C -> String.valueOf(h2c);
            case READ_PEER_PROCESS -> String.valueOf(readPeerProcess);
            case AUDIT -> String.valueOf(audit);
            case CALLER_MAX_CONNECTIONS -> callerMaxConnections;
            case CALLER_MAX_REQUESTS_IN_FLIGHT -> callerMaxRequestsInFlight;
            case CALLER_REQUEST_RATE -> callerRequestRate;
            case INHERIT_NAME, ALLOW_UNSAFE_DIRECTORY, ALLOW_USERS, ALLOW_GROUPS, TRUST_PROXIES, ACCEPT_QUEUE_SIZE,
                ALLOW_EXECUTABLES, ALLOW_UNITS, ALLOW_CGROUPS -> null;
        };
    }

    private List<String> list(SettingKey key)
    {
        return switch (key)
        {
            case ALLOW_USERS -> allowUids;
            case ALLOW_GROUPS -> allowGids;
            case TRUST_PROXIES -> trustedProxies;
            case ALLOW_EXECUTABLES -> allowExecutables;
            case ALLOW_UNITS -> allowUnits;
            case ALLOW_CGROUPS -> allowCgroups;
            default -> null;
        };
    }

    /** @return the option that gives {@code key}, as messages name it; {@code null} for a setting the demo does not offer */
    private static String optionName(SettingKey key)
    {
        return switch (key)
        {
            case SOCKET -> "--socket";
            case INHERIT -> "--inherit";
            case FILE_MODE -> "--mode";
            case FILE_GROUP -> "--group";
            case STALE_SOCKET -> "--stale";
            case TAKEOVER -> "--takeover";
            case H2C -> "--h2c";
            case ALLOW_USERS -> "--allow-uid";
            case ALLOW_GROUPS -> "--allow-gid";
            case TRUST_PROXIES -> "--trust-proxy";
            case ALLOW_EXECUTABLES -> "--allow-exe";
            case ALLOW_UNITS -> "--allow-unit";
            case ALLOW_CGROUPS -> "--allow-cgroup";
            case READ_PEER_PROCESS -> "--read-peer-process";
            case AUDIT -> "--audit";
            case CALLER_MAX_CONNECTIONS -> "--caller-max-connections";
            case CALLER_MAX_REQUESTS_IN_FLIGHT -> "--caller-max-in-flight";
            case CALLER_REQUEST_RATE -> "--caller-rate";
            case INHERIT_NAME, ALLOW_UNSAFE_DIRECTORY, ACCEPT_QUEUE_SIZE -> null;
        };
    }

    /**
     * @return the options as the shared settings; no address unless {@code --socket} or {@code --inherit} gave one
     *         (then the socket is {@link #socketOrDefault()}), the file mode 0600 unless {@code --mode} says otherwise
     */
    public UnixSocketSettings settings()
    {
        return settings;
    }

    /** @return whether the trusted proxies send a PROXY protocol header instead of forwarded headers */
    public boolean proxyProtocol()
    {
        return proxyProtocol;
    }

    /**
     * @return the socket to listen on: the one given, else the per-user default: in {@code $XDG_RUNTIME_DIR}, else in
     *         a private directory {@code unixhttp-$USER} under {@code $TMPDIR} (default {@code /tmp})
     * @throws IOException if the private directory cannot be made, or what is at its name is not a private
     *         directory of this user
     */
    public String socketOrDefault() throws IOException
    {
        if (socket != null)
            return socket;
        String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
        if (runtimeDir != null && !runtimeDir.isBlank() && Files.isDirectory(Path.of(runtimeDir)))
            return Path.of(runtimeDir, "unixhttp-demo.sock").toString();
        String tmp = System.getenv("TMPDIR");
        Path base = Path.of(tmp == null || tmp.isBlank() ? "/tmp" : tmp);
        return PrivateDirectory.ofThisUser(base.resolve("unixhttp-" + System.getProperty("user.name")))
            .resolve("unixhttp-demo.sock").toString();
    }

    /** The version Maven recorded in the jar. */
    static final class Version implements CommandLine.IVersionProvider
    {
        @Override
        public String[] getVersion() throws IOException
        {
            Properties pom = new Properties();
            try (InputStream in = DemoOptions.class.getResourceAsStream("/META-INF/maven/io.github.unixhttp/unixhttp-examples/pom.properties"))
            {
                if (in != null)
                    pom.load(in);
            }
            return new String[]{"unixhttp-demo " + pom.getProperty("version", "(development build)")};
        }
    }
}
