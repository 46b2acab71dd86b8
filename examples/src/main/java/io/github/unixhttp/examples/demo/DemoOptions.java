package io.github.unixhttp.examples.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.github.unixhttp.connector.binding.SocketFileMode;
import io.github.unixhttp.connector.binding.StaleSocketPolicy;

/**
 * The demo's command line, parsed and checked. A bad option is a {@link UsageException} naming it.
 *
 * @param socket a path or {@code @name}; null when inheriting
 * @param inherit serve the socket a supervisor handed over
 * @param mode the socket file's mode
 * @param group the socket file's group, or null
 * @param allowUids uids or user names allowed to connect (empty: not restricted by user)
 * @param allowGids gids or group names allowed to connect (empty: not restricted by group)
 * @param stale what to do with a dead socket at the path
 * @param h2c also accept HTTP/2 cleartext
 * @param trustedProxies uids or user names whose forwarded headers are believed (e.g. nginx's www-data)
 * @param proxyProtocol the trusted proxies send the client's address in a PROXY protocol header instead of forwarded headers
 * @param help show the usage and exit
 */
public record DemoOptions(String socket, boolean inherit, SocketFileMode mode, String group, List<String> allowUids,
                          List<String> allowGids, StaleSocketPolicy stale, boolean h2c, List<String> trustedProxies,
                          boolean proxyProtocol, boolean help)
{
    public static final String USAGE = """
        usage: java -jar unixhttp-demo.jar [options]
          --socket PATH | --socket @NAME   where to listen (default: $XDG_RUNTIME_DIR/unixhttp-demo.sock, else
                                           in the private 0700 directory ${TMPDIR:-/tmp}/unixhttp-$USER)
          --inherit                        serve the listening socket handed over (fd 0 or LISTEN_FDS)
          --mode OCTAL                     socket file mode (default 0600)
          --group NAME|GID                 socket file group
          --allow-uid LIST                 comma-separated uids or user names allowed to connect
          --allow-gid LIST                 comma-separated gids or group names (primary or supplementary)
          --trust-proxy LIST               uids or user names whose Forwarded/X-Forwarded-* headers are believed
          --proxy-protocol                 the trusted proxies send a PROXY header (v1 or v2) instead, as HAProxy's
                                           send-proxy-v2 does; forwarded headers are then not believed from anyone
          --stale remove|fail              a dead socket left at the path: remove it (default) or fail
          --h2c                            also accept HTTP/2 cleartext with prior knowledge
          --help                           show this help
        """;

    /** A command line the demo cannot run with: exit status 2. */
    public static final class UsageException extends Exception
    {
        public UsageException(String message)
        {
            super(message);
        }
    }

    public static DemoOptions parse(String... args) throws UsageException
    {
        String socket = null;
        boolean inherit = false;
        SocketFileMode mode = null;
        String group = null;
        List<String> allowUids = new ArrayList<>();
        List<String> allowGids = new ArrayList<>();
        List<String> trustedProxies = new ArrayList<>();
        StaleSocketPolicy stale = StaleSocketPolicy.REMOVE;
        boolean h2c = false;
        boolean proxyProtocol = false;
        for (int i = 0; i < args.length; i++)
        {
            String option = args[i];
            switch (option)
            {
                case "--socket" -> socket = value(args, ++i, option);
                case "--inherit" -> inherit = true;
                case "--mode" -> mode = mode(value(args, ++i, option));
                case "--group" -> group = value(args, ++i, option);
                case "--allow-uid" -> allowUids.addAll(list(value(args, ++i, option), option));
                case "--allow-gid" -> allowGids.addAll(list(value(args, ++i, option), option));
                case "--trust-proxy" -> trustedProxies.addAll(list(value(args, ++i, option), option));
                case "--stale" -> stale = stale(value(args, ++i, option));
                case "--h2c" -> h2c = true;
                case "--proxy-protocol" -> proxyProtocol = true;
                case "--help", "-h" ->
                {
                    return new DemoOptions(null, false, null, null, List.of(), List.of(), stale, false, List.of(), false, true);
                }
                default -> throw new UsageException("unknown option " + option + " (see --help)");
            }
        }
        if (inherit && socket != null)
            throw new UsageException("--inherit and --socket exclude each other: the supervisor chose the socket");
        boolean abstractName = socket != null && socket.startsWith("@");
        if ((inherit || abstractName) && (mode != null || group != null))
            throw new UsageException((inherit ? "--inherit" : "--socket " + socket) + " has no socket file of ours: drop --mode and --group" +
                (inherit ? " (the supervisor sets them)" : "; restrict access with --allow-uid/--allow-gid"));
        if (proxyProtocol && trustedProxies.isEmpty())
            throw new UsageException("--proxy-protocol needs --trust-proxy: say whose PROXY headers to believe (e.g. haproxy)");
        if (!inherit && !abstractName && mode == null)
            mode = SocketFileMode.of(0600);
        return new DemoOptions(socket, inherit, mode, group, List.copyOf(allowUids), List.copyOf(allowGids), stale, h2c,
            List.copyOf(trustedProxies), proxyProtocol, false);
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

    private static String value(String[] args, int index, String option) throws UsageException
    {
        if (index >= args.length || args[index].startsWith("--"))
            throw new UsageException(option + " needs a value (see --help)");
        return args[index];
    }

    private static List<String> list(String value, String option) throws UsageException
    {
        List<String> items = new ArrayList<>();
        for (String item : value.split(","))
        {
            if (item.isBlank())
                throw new UsageException(option + " " + value + ": an empty entry in the list");
            items.add(item.trim());
        }
        return items;
    }

    private static SocketFileMode mode(String value) throws UsageException
    {
        try
        {
            return SocketFileMode.parse(value);
        }
        catch (IllegalArgumentException bad)
        {
            throw new UsageException("--mode " + value + ": " + bad.getMessage());
        }
    }

    private static StaleSocketPolicy stale(String value) throws UsageException
    {
        return switch (value)
        {
            case "remove" -> StaleSocketPolicy.REMOVE;
            case "fail" -> StaleSocketPolicy.FAIL;
            default -> throw new UsageException("--stale " + value + ": say remove or fail");
        };
    }
}
