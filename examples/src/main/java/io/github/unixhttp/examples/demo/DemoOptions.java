package io.github.unixhttp.examples.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import io.github.unixhttp.connector.binding.SocketFileMode;
import io.github.unixhttp.connector.binding.StaleSocketPolicy;
import io.github.unixhttp.unit.server.UnixSocketSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The demo's command line, parsed by picocli (which also writes {@code --help} and {@code --version}) and then
 * checked as a whole. A bad command line is a {@link CommandLine.ParameterException} naming the option: exit status 2.
 */
@Command(name = "unixhttp-demo", mixinStandardHelpOptions = true, versionProvider = DemoOptions.Version.class,
    synopsisHeading = "", customSynopsis = "usage: java -jar unixhttp-demo.jar [options]", sortOptions = false,
    description = "An admin server over a Unix socket: who you are by the kernel's word, uptime, connections.",
    footer = {"", "Exit status: 0 after a clean stop (SIGTERM, Ctrl-C, or taken over and drained), 1 when it cannot listen, 2 for a bad command line."})
public final class DemoOptions
{
    @Option(names = "--socket", paramLabel = "PATH|@NAME", description = "where to listen (default: " +
        "$XDG_RUNTIME_DIR/unixhttp-demo.sock, else in the private 0700 directory $${TMPDIR:-/tmp}/unixhttp-$USER)")
    private String socket;

    @Option(names = "--inherit", description = "serve the listening socket handed over (fd 0 or LISTEN_FDS)")
    private boolean inherit;

    @Option(names = "--mode", paramLabel = "OCTAL", converter = ModeConverter.class, description = "socket file mode (default 0600)")
    private SocketFileMode mode;

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

    @Option(names = "--stale", paramLabel = "remove|fail", converter = StaleConverter.class,
        description = "a dead socket left at the path: remove it (default) or fail")
    private StaleSocketPolicy stale = StaleSocketPolicy.REMOVE;

    @Option(names = "--h2c", description = "also accept HTTP/2 cleartext with prior knowledge")
    private boolean h2c;

    @Option(names = "--takeover", description = "if a server of this user listens on the path, take it over: start, " +
        "then put this server's socket in its place in one step; the old one finishes what it has and exits 0")
    private boolean takeover;

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
        for (List<String> list : List.of(allowUids, allowGids, trustedProxies))
        {
            if (list.stream().anyMatch(String::isBlank))
                throw new CommandLine.ParameterException(commandLine, optionOf(list) + ": an empty entry in the list");
        }
        requireKnownNames(commandLine, "--allow-uid", allowUids, List.of());
        requireKnownNames(commandLine, "--allow-gid", List.of(), allowGids);
        requireKnownNames(commandLine, "--trust-proxy", trustedProxies, List.of());
        if (inherit && socket != null)
            throw new CommandLine.ParameterException(commandLine, "--inherit and --socket exclude each other: the supervisor chose the socket");
        boolean abstractName = socket != null && socket.startsWith("@");
        if ((inherit || abstractName) && (mode != null || group != null))
            throw new CommandLine.ParameterException(commandLine, (inherit ? "--inherit" : "--socket " + socket) +
                " has no socket file of ours: drop --mode and --group" +
                (inherit ? " (the supervisor sets them)" : "; restrict access with --allow-uid/--allow-gid"));
        if (takeover && (inherit || abstractName))
            throw new CommandLine.ParameterException(commandLine, "--takeover replaces a socket file: it does not go with " +
                (inherit ? "--inherit (the supervisor keeps the socket across restarts)" : "an abstract name (--socket " + socket + ")"));
        if (proxyProtocol && trustedProxies.isEmpty())
            throw new CommandLine.ParameterException(commandLine, "--proxy-protocol needs --trust-proxy: say whose PROXY headers " +
                "to believe (e.g. haproxy)");
        if (!inherit && !abstractName && mode == null)
            mode = SocketFileMode.of(0600);
    }

    /**
     * A user or group name this system does not know would make a rule that admits no one (the connector only warns,
     * since a name may be created later): on a command line it is a typo until shown otherwise. An id out of range
     * is refused here too, rather than when the server starts.
     */
    private static void requireKnownNames(CommandLine commandLine, String option, List<String> users, List<String> groups)
    {
        if (users.isEmpty() && groups.isEmpty())
            return;
        try
        {
            List<String> unknown = UnixSocketSettings.peerPolicy(option, users, groups).unknownNames();
            if (!unknown.isEmpty())
                throw new CommandLine.ParameterException(commandLine, option + ": this system has no " +
                    String.join(", ", unknown) + " (a typo, or the name service did not answer? give a numeric id " +
                    "for one that does not exist yet)");
        }
        catch (IllegalArgumentException bad)
        {
            throw new CommandLine.ParameterException(commandLine, bad.getMessage());
        }
    }

    private String optionOf(List<String> list)
    {
        return list == allowUids ? "--allow-uid" : list == allowGids ? "--allow-gid" : "--trust-proxy";
    }

    /** @return a path or {@code @name}; null when inheriting or when the default is to be used */
    public String socket()
    {
        return socket;
    }

    /** @return whether to serve the socket a supervisor handed over */
    public boolean inherit()
    {
        return inherit;
    }

    /** @return the socket file's mode; null for an abstract name or an inherited socket */
    public SocketFileMode mode()
    {
        return mode;
    }

    /** @return the socket file's group, or null */
    public String group()
    {
        return group;
    }

    /** @return uids or user names allowed to connect (empty: not restricted by user) */
    public List<String> allowUids()
    {
        return List.copyOf(allowUids);
    }

    /** @return gids or group names allowed to connect (empty: not restricted by group) */
    public List<String> allowGids()
    {
        return List.copyOf(allowGids);
    }

    /** @return what to do with a dead socket at the path */
    public StaleSocketPolicy stale()
    {
        return stale;
    }

    /** @return whether to also accept HTTP/2 cleartext */
    public boolean h2c()
    {
        return h2c;
    }

    /** @return whether to take the path over from a live server of this user */
    public boolean takeover()
    {
        return takeover;
    }

    /** @return uids or user names whose forwarded headers are believed */
    public List<String> trustedProxies()
    {
        return List.copyOf(trustedProxies);
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

    static final class ModeConverter implements CommandLine.ITypeConverter<SocketFileMode>
    {
        @Override
        public SocketFileMode convert(String value)
        {
            try
            {
                return SocketFileMode.parse(value);
            }
            catch (IllegalArgumentException bad)
            {
                throw new CommandLine.TypeConversionException(bad.getMessage());
            }
        }
    }

    static final class StaleConverter implements CommandLine.ITypeConverter<StaleSocketPolicy>
    {
        @Override
        public StaleSocketPolicy convert(String value)
        {
            return switch (value)
            {
                case "remove" -> StaleSocketPolicy.REMOVE;
                case "fail" -> StaleSocketPolicy.FAIL;
                default -> throw new CommandLine.TypeConversionException("say remove or fail");
            };
        }
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
