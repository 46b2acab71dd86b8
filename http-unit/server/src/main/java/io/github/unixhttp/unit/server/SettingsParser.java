package io.github.unixhttp.unit.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.github.unixhttp.connector.binding.SocketFileMode;
import io.github.unixhttp.connector.binding.StaleSocketPolicy;
import io.github.unixhttp.connector.limits.CallerLimits;
import io.github.unixhttp.connector.policy.PeerPolicy;
import io.github.unixhttp.connector.policy.PeerRules;
import io.github.unixhttp.core.UnixSocketAddress;

/**
 * Reads {@link UnixSocketSettings} from text, the one way every front end does: each value by its {@link SettingKey},
 * then the rules between them, and every problem found reported at once in a {@link SettingsException}. Messages name
 * each setting as the front end spells it, so that a user reads {@code --mode}, {@code jetty.unixhttp.mode} or
 * {@code unixhttp.server.file-mode}, whichever they wrote. Immutable: the options return a new parser.
 *
 * <pre>{@code
 * SettingsParser parser = UnixSocketSettings.parser(key -> "myapp." + key.canonicalName())
 *     .defaultFileMode(SocketFileMode.of(0600));
 * UnixSocketSettings settings = parser.parse(key -> properties.getProperty("myapp." + key.canonicalName()));
 * }</pre>
 */
public final class SettingsParser
{
    private final Function<SettingKey, String> names;
    private final SocketFileMode defaultFileMode;
    private final boolean socketOptional;
    private final boolean requireKnownNames;

    SettingsParser(Function<SettingKey, String> names)
    {
        this(names, null, false, false);
    }

    private SettingsParser(Function<SettingKey, String> names, SocketFileMode defaultFileMode, boolean socketOptional,
                           boolean requireKnownNames)
    {
        this.names = Objects.requireNonNull(names, "names");
        this.defaultFileMode = defaultFileMode;
        this.socketOptional = socketOptional;
        this.requireKnownNames = requireKnownNames;
    }

    /**
     * For configuration formats that make maps but not functions, such as Jetty's XML: the settings' names and
     * values, each map keyed by {@linkplain SettingKey#canonicalName() canonical name}, with this schema's defaults.
     *
     * @param names  each setting's name as the configuration spells it
     * @param values each setting's text; a missing or {@code null} value is "not set"
     * @return the settings, typed
     * @throws SettingsException listing every problem of the settings
     * @throws IllegalArgumentException if a map has a key that is no setting's canonical name (a typo there would
     *                                  otherwise drop the setting silently)
     */
    public static UnixSocketSettings parseProperties(Map<String, String> names, Map<String, String> values)
    {
        names.keySet().forEach(SettingKey::ofCanonicalName);
        values.keySet().forEach(SettingKey::ofCanonicalName);
        return UnixSocketSettings.parser(key -> names.get(key.canonicalName())).parse(key -> values.get(key.canonicalName()));
    }

    /**
     * @param mode the mode a socket file gets when {@link SettingKey#FILE_MODE} is not set, such as {@code 0600};
     *             {@code null} (the default) leaves it to the umask. Never given to an abstract name or an inherited
     *             socket, which have no file.
     * @return a parser with that default
     */
    public SettingsParser defaultFileMode(SocketFileMode mode)
    {
        return new SettingsParser(names, mode, socketOptional, requireKnownNames);
    }

    /**
     * For a front end with a default socket path of its own (the demo's per-user one): without {@link
     * SettingKey#SOCKET} and {@link SettingKey#INHERIT} the settings have no {@linkplain UnixSocketSettings#address()
     * address}, rather than a {@link SettingsProblem.Kind#MISSING_SOCKET} problem, and the front end sets its path on
     * the connector. The settings are checked as for a path: a mode and takeover go with it.
     *
     * @return a parser that leaves a missing socket to the front end
     */
    public SettingsParser socketOptional()
    {
        return new SettingsParser(names, defaultFileMode, true, requireKnownNames);
    }

    /**
     * Where a typo is likelier than a user yet to be made (a command line): a user or group name this system does not
     * know is a {@link SettingsProblem.Kind#UNKNOWN_NAME} problem. Otherwise such a name is accepted, and the connector
     * warns of the rule that admits no one when it starts.
     *
     * @return a parser that refuses names this system does not know
     */
    public SettingsParser requireKnownNames()
    {
        return new SettingsParser(names, defaultFileMode, socketOptional, true);
    }

    /**
     * @param key a setting
     * @return {@code key}'s name as the front end spells it, as the messages use it
     */
    public String nameOf(SettingKey key)
    {
        String name = names.apply(key);
        return name != null ? name : key.canonicalName();
    }

    /**
     * @param source the settings' text; a lambda does for a front end whose lists are comma-separated text
     * @return the settings, typed
     * @throws SettingsException listing every problem found: each value that cannot be read, then each rule between
     *                           settings that is broken
     */
    public UnixSocketSettings parse(SettingsSource source)
    {
        Reading reading = new Reading(source);
        UnixSocketAddress socket = reading.socket();
        Inherited inherited = reading.inherited();
        UnixSocketAddress address = inherited != null ? inherited.address() : socket;
        SocketFileMode mode = reading.fileMode();
        // The front end's default mode, only for a socket file: the default address of socketOptional() is a path.
        boolean aPath = address == null ? socketOptional : address.kind() == UnixSocketAddress.Kind.PATH;
        UnixSocketSettings.Builder settings = UnixSocketSettings.builder()
            .address(address)
            .fileMode(mode == null && aPath ? defaultFileMode : mode)
            .fileGroup(reading.fileGroup())
            .staleSocketPolicy(reading.staleSocketPolicy())
            .allowUnsafeDirectory(reading.flag(SettingKey.ALLOW_UNSAFE_DIRECTORY))
            .takeover(reading.flag(SettingKey.TAKEOVER));
        Entries users = reading.entries(SettingKey.ALLOW_USERS);
        Entries groups = reading.entries(SettingKey.ALLOW_GROUPS);
        Entries proxies = reading.entries(SettingKey.TRUST_PROXIES);
        PeerPolicy programs = reading.programs();
        PeerPolicy who = users != null || groups != null ? rules(users, groups) : null;
        // Who and which program, when both are given: both must hold (nginx's workers, as www-data).
        if (who != null || programs != null)
            settings.peerPolicy(who == null ? programs : programs == null ? who : PeerPolicy.allOf(who, programs));
        settings.readPeerProcess(reading.flag(SettingKey.READ_PEER_PROCESS));
        settings.audit(reading.flag(SettingKey.AUDIT));
        settings.callerLimits(reading.callerLimits());
        if (proxies != null)
            settings.trustedProxies(rules(proxies, null));
        settings.h2c(reading.flag(SettingKey.H2C));
        Integer backlog = reading.number(SettingKey.ACCEPT_QUEUE_SIZE);
        if (backlog != null)
            settings.acceptQueueSize(backlog);

        // Rules between settings come after the values' problems; the address's here, the rest in build().
        if (socket != null && inherited != null)
            reading.problem(SettingKey.SOCKET, SettingsProblem.Kind.SOCKET_AND_INHERIT, reading.text(SettingKey.SOCKET),
                nameOf(inherited.key()) + " and " + nameOf(SettingKey.SOCKET) + " exclude each other: the supervisor that " +
                    "passes the socket chose where it listens. Remove one of them");
        boolean addressUnreadable = reading.hasProblem(SettingKey.SOCKET) || reading.hasProblem(SettingKey.INHERIT) ||
            reading.hasProblem(SettingKey.INHERIT_NAME);
        if (address == null && !socketOptional && !addressUnreadable)
            reading.problem(SettingKey.SOCKET, SettingsProblem.Kind.MISSING_SOCKET, null, "No socket to listen on: set " +
                nameOf(SettingKey.SOCKET) + " (e.g. /run/app/app.sock, or @name for an abstract socket), or " +
                nameOf(SettingKey.INHERIT) + "=true");
        return settings.build(this::nameOf, inherited != null ? inherited.key() : SettingKey.INHERIT, reading.problems);
    }

    /**
     * Checks one value alone, as a front end that binds its settings one by one does, so that its own report can say
     * where the value came from (a file and line); {@link #parse} then checks the rest.
     *
     * @param key  the setting
     * @param text its text, {@code null} or blank if not set
     * @throws SettingsException if {@code text} is no value of {@code key}
     */
    public void checkText(SettingKey key, String text)
    {
        check(key, asked -> asked == key ? text : null);
    }

    /**
     * {@link #checkText} for the entries of a list setting, as a front end with real lists has them.
     *
     * @param key     a list setting
     * @param entries its entries, {@code null} or empty if not set
     * @throws SettingsException if an entry is empty, an id out of range, or (see {@link #requireKnownNames()}) a name
     *                           this system does not know
     */
    public void checkList(SettingKey key, List<String> entries)
    {
        check(key, SettingsSource.of(asked -> null, asked -> asked == key ? entries : null));
    }

    private void check(SettingKey key, SettingsSource source)
    {
        Reading reading = new Reading(source);
        switch (key)
        {
            case SOCKET -> reading.socket();
            case INHERIT, INHERIT_NAME -> reading.inherited();
            case FILE_MODE -> reading.fileMode();
            case FILE_GROUP -> reading.fileGroup();
            case STALE_SOCKET -> reading.staleSocketPolicy();
            case ALLOW_UNSAFE_DIRECTORY, TAKEOVER, H2C, READ_PEER_PROCESS, AUDIT -> reading.flag(key);
            case ALLOW_USERS, ALLOW_GROUPS, TRUST_PROXIES -> reading.entries(key);
            case ALLOW_EXECUTABLES, ALLOW_UNITS, ALLOW_CGROUPS -> reading.programs();
            case ACCEPT_QUEUE_SIZE, CALLER_MAX_CONNECTIONS, CALLER_MAX_REQUESTS_IN_FLIGHT -> reading.number(key);
            case CALLER_REQUEST_RATE -> reading.rate();
        }
        if (!reading.problems.isEmpty())
            throw new SettingsException(reading.problems);
    }

    /** @return the policy admitting anyone in either list; ids and names told apart as {@link Entries} did */
    private static PeerRules rules(Entries users, Entries groups)
    {
        PeerRules.Builder rules = PeerPolicy.builder();
        if (users != null)
        {
            users.ids().forEach(rules::allowUid);
            users.names().forEach(rules::allowUser);
        }
        if (groups != null)
        {
            groups.ids().forEach(rules::allowGid);
            groups.names().forEach(rules::allowGroup);
        }
        return rules.build();
    }

    /** The inherited socket and the setting that asked for it, for the messages. */
    private record Inherited(UnixSocketAddress address, SettingKey key)
    {
    }

    /**
     * A list's entries as configuration gives them: an entry of digits only is an id ({@code 33}), any other a name
     * ({@code www-data}), as in {@code /etc/passwd} and {@code /etc/group}.
     */
    private record Entries(List<Integer> ids, List<String> names)
    {
    }

    /** One reading of a source: each value read at most once, its problems collected rather than thrown. */
    private final class Reading
    {
        private final SettingsSource source;
        private final List<SettingsProblem> problems = new ArrayList<>();

        Reading(SettingsSource source)
        {
            this.source = source;
        }

        void problem(SettingKey key, SettingsProblem.Kind kind, String value, String message)
        {
            problems.add(new SettingsProblem(key, kind, value, message));
        }

        boolean hasProblem(SettingKey key)
        {
            return problems.stream().anyMatch(problem -> problem.key() == key);
        }

        /** @return the trimmed text, or {@code null} if blank: "not set" */
        String text(SettingKey key)
        {
            String text = source.text(key);
            return text == null || text.isBlank() ? null : text.trim();
        }

        private void invalid(SettingKey key, String value, String message)
        {
            problem(key, SettingsProblem.Kind.INVALID_VALUE, value, message);
        }

        UnixSocketAddress socket()
        {
            String text = text(SettingKey.SOCKET);
            if (text == null)
                return null;
            try
            {
                return UnixSocketAddress.parse(text);
            }
            catch (IllegalArgumentException bad)
            {
                invalid(SettingKey.SOCKET, text, nameOf(SettingKey.SOCKET) + ": " + bad.getMessage());
                return null;
            }
        }

        /**
         * @return the inherited socket asked for by {@link SettingKey#INHERIT} ({@code true} or a name) or by {@link
         *         SettingKey#INHERIT_NAME}, or {@code null} if neither asks for one or one cannot be read
         */
        Inherited inherited()
        {
            String inherit = text(SettingKey.INHERIT);
            boolean byInherit = inherit != null && !inherit.equalsIgnoreCase("false");
            String nameByInherit = byInherit && !inherit.equalsIgnoreCase("true") ? fdName(SettingKey.INHERIT, inherit) : null;
            String inheritName = text(SettingKey.INHERIT_NAME);
            String nameByInheritName = inheritName == null ? null : fdName(SettingKey.INHERIT_NAME, inheritName);
            if (hasProblem(SettingKey.INHERIT) || hasProblem(SettingKey.INHERIT_NAME))
                return null;
            if (nameByInherit != null && nameByInheritName != null && !nameByInherit.equals(nameByInheritName))
            {
                problem(SettingKey.INHERIT_NAME, SettingsProblem.Kind.CONFLICTING_INHERIT_NAMES, inheritName,
                    nameOf(SettingKey.INHERIT) + "=" + inherit + " and " + nameOf(SettingKey.INHERIT_NAME) + "=" + inheritName +
                        " name two different sockets: keep one of them");
                return null;
            }
            if (nameByInheritName != null)
                return new Inherited(UnixSocketAddress.inherited(nameByInheritName), SettingKey.INHERIT_NAME);
            return byInherit ? new Inherited(UnixSocketAddress.inherited(nameByInherit), SettingKey.INHERIT) : null;
        }

        /** @return the FileDescriptorName= {@code text} is, or null after a problem */
        private String fdName(SettingKey key, String text)
        {
            try
            {
                UnixSocketAddress.inherited(text);
                return text;
            }
            catch (IllegalArgumentException bad)
            {
                invalid(key, text, nameOf(key) + ": " + bad.getMessage() + ". Write true for the only socket passed, or the " +
                    "socket's FileDescriptorName=");
                return null;
            }
        }

        SocketFileMode fileMode()
        {
            String text = text(SettingKey.FILE_MODE);
            if (text == null)
                return null;
            try
            {
                return SocketFileMode.parse(text);
            }
            catch (IllegalArgumentException bad)
            {
                invalid(SettingKey.FILE_MODE, text, nameOf(SettingKey.FILE_MODE) + ": " + bad.getMessage());
                return null;
            }
        }

        /** A name or a gid, looked up when the socket is bound (a group may be made after the configuration). */
        String fileGroup()
        {
            return text(SettingKey.FILE_GROUP);
        }

        StaleSocketPolicy staleSocketPolicy()
        {
            String text = text(SettingKey.STALE_SOCKET);
            if (text == null)
                return StaleSocketPolicy.REMOVE;
            switch (text.toLowerCase(Locale.ROOT))
            {
                case "remove":
                    return StaleSocketPolicy.REMOVE;
                case "fail":
                    return StaleSocketPolicy.FAIL;
                default:
                    invalid(SettingKey.STALE_SOCKET, text, nameOf(SettingKey.STALE_SOCKET) + "=" + text + " is not a policy: " +
                        "write remove (a dead socket at the path is replaced) or fail (start fails instead)");
                    return StaleSocketPolicy.REMOVE;
            }
        }

        /** Only the words true and false: a typo such as {@code ture} must not quietly mean false. */
        boolean flag(SettingKey key)
        {
            String text = text(key);
            if (text == null || text.equalsIgnoreCase("false"))
                return false;
            if (text.equalsIgnoreCase("true"))
                return true;
            invalid(key, text, nameOf(key) + "=" + text + " is neither true nor false: write one of them");
            return false;
        }

        Integer number(SettingKey key)
        {
            String text = text(key);
            if (text == null)
                return null;
            try
            {
                return Integer.parseInt(text);
            }
            catch (NumberFormatException bad)
            {
                invalid(key, text, nameOf(key) + "=" + text + " is not a whole number: write one such as 1024");
                return null;
            }
        }

        /**
         * @return the list's entries, or {@code null} if it is not set; an empty entry in a list that is set
         *         ({@code root,,www-data}) is a problem, since it must neither widen the list (an empty list admits
         *         everyone) nor narrow it
         */
        Entries entries(SettingKey key)
        {
            List<String> given = source.list(key);
            if (given == null || given.isEmpty())
                return null;
            String value = String.join(",", given);
            if (given.stream().anyMatch(entry -> entry == null || entry.isBlank()))
            {
                // Quoted, so that the empty entry shows: [""] rather than [].
                String quoted = given.stream().map(entry -> "\"" + (entry == null ? "" : entry) + "\"").collect(Collectors.joining(", "));
                problem(key, SettingsProblem.Kind.EMPTY_LIST_ENTRY, value, nameOf(key) + ": an empty entry in the list [" +
                    quoted + "]: remove it, or the whole setting to leave it unset");
                return null;
            }
            List<Integer> ids = new ArrayList<>();
            List<String> names = new ArrayList<>();
            boolean valid = true;
            for (String entry : given)
            {
                String trimmed = entry.trim();
                if (!trimmed.chars().allMatch(Character::isDigit))
                    names.add(trimmed);
                // Ids above 2^31-1 exist on paper only (Linux keeps 4294967295 for "none"): one here is a typo, not a user.
                else if (trimmed.length() > 10 || Long.parseLong(trimmed) > Integer.MAX_VALUE)
                {
                    problem(key, SettingsProblem.Kind.ID_OUT_OF_RANGE, trimmed, nameOf(key) + ": the id " + trimmed +
                        " is out of range (at most " + Integer.MAX_VALUE + "): correct it");
                    valid = false;
                }
                else
                    ids.add(Integer.parseInt(trimmed));
            }
            if (!valid)
                return null;
            Entries entries = new Entries(ids, names);
            if (requireKnownNames)
                requireKnown(key, value, entries);
            return entries;
        }

        /**
         * @return the rules by calling program ({@link SettingKey#ALLOW_EXECUTABLES}, {@link SettingKey#ALLOW_UNITS},
         *         {@link SettingKey#ALLOW_CGROUPS}: any of them admits), or {@code null} if none is set
         */
        PeerPolicy programs()
        {
            PeerRules.Builder rules = PeerPolicy.builder();
            boolean any = false;
            for (SettingKey key : List.of(SettingKey.ALLOW_EXECUTABLES, SettingKey.ALLOW_UNITS, SettingKey.ALLOW_CGROUPS))
            {
                List<String> given = strings(key);
                if (given == null)
                    continue;
                any = true;
                for (String entry : given)
                {
                    try
                    {
                        switch (key)
                        {
                            case ALLOW_EXECUTABLES -> rules.allowExecutable(entry);
                            case ALLOW_UNITS -> rules.allowUnit(entry);
                            default -> rules.allowCgroup(entry);
                        }
                    }
                    catch (IllegalArgumentException bad)
                    {
                        invalid(key, entry, nameOf(key) + ": " + bad.getMessage());
                    }
                }
            }
            return any ? rules.build() : null;
        }

        /** @return a list's trimmed entries, or {@code null} if it is not set; an empty entry is a problem */
        private List<String> strings(SettingKey key)
        {
            List<String> given = source.list(key);
            if (given == null || given.isEmpty())
                return null;
            if (given.stream().anyMatch(entry -> entry == null || entry.isBlank()))
            {
                problem(key, SettingsProblem.Kind.EMPTY_LIST_ENTRY, String.join(",", given), nameOf(key) +
                    ": an empty entry in the list: remove it, or the whole setting to leave it unset");
                return null;
            }
            return given.stream().map(String::trim).toList();
        }

        /** @return a request rate per second, or {@code null} if not set */
        Double rate()
        {
            String text = text(SettingKey.CALLER_REQUEST_RATE);
            if (text == null)
                return null;
            try
            {
                double rate = Double.parseDouble(text);
                if (rate > 0 && Double.isFinite(rate))
                    return rate;
            }
            catch (NumberFormatException bad)
            {
                // said below
            }
            invalid(SettingKey.CALLER_REQUEST_RATE, text, nameOf(SettingKey.CALLER_REQUEST_RATE) + "=" + text +
                " is not a rate: write the requests per second a caller may make, such as 50");
            return null;
        }

        /** @return the per-caller limits, the connector's defaults changed where set; {@code null} if none is set */
        CallerLimits callerLimits()
        {
            Integer connections = number(SettingKey.CALLER_MAX_CONNECTIONS);
            Integer inFlight = number(SettingKey.CALLER_MAX_REQUESTS_IN_FLIGHT);
            Double rate = rate();
            if (connections == null && inFlight == null && rate == null)
                return null;
            CallerLimits.Builder limits = CallerLimits.builder();
            try
            {
                if (connections != null)
                    limits.maxConnections(connections);
                if (inFlight != null)
                    limits.maxRequestsInFlight(inFlight);
                if (rate != null)
                    limits.requestRate(rate, (int)Math.max(1, Math.ceil(rate)));
                return limits.build();
            }
            catch (IllegalArgumentException bad)
            {
                invalid(connections != null ? SettingKey.CALLER_MAX_CONNECTIONS : inFlight != null
                    ? SettingKey.CALLER_MAX_REQUESTS_IN_FLIGHT : SettingKey.CALLER_REQUEST_RATE, null, bad.getMessage());
                return null;
            }
        }

        private void requireKnown(SettingKey key, String value, Entries entries)
        {
            boolean groups = key == SettingKey.ALLOW_GROUPS;
            List<String> unknown = rules(groups ? null : entries, groups ? entries : null).unknownNames();
            if (!unknown.isEmpty())
                problem(key, SettingsProblem.Kind.UNKNOWN_NAME, value, nameOf(key) + ": this system has no " +
                    String.join(", ", unknown) + " (a typo, or the name service did not answer? give a numeric id for one " +
                    "that does not exist yet)");
        }
    }
}
