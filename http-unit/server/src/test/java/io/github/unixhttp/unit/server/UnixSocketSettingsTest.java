package io.github.unixhttp.unit.server;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.github.unixhttp.connector.SocketFileOptions;
import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.connector.WhenReplaced;
import io.github.unixhttp.connector.binding.SocketFileMode;
import io.github.unixhttp.connector.binding.StaleSocketPolicy;
import io.github.unixhttp.connector.policy.PeerPolicy;
import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.unit.server.SettingsProblem.Kind;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one settings schema: text becomes typed settings, every problem is reported at once and typed, the rules
 * between settings hold whichever way the settings were given, and messages name each setting as the front end
 * spells it.
 */
class UnixSocketSettingsTest
{
    /** A front end with a prefix, as jetty-home's start properties have one. */
    private static final SettingsParser PREFIXED = UnixSocketSettings.parser(key -> "jetty.unixhttp." + key.canonicalName());
    /** Names only a front end of its own would use, so that a message that ignores them shows. */
    private static final Function<SettingKey, String> OPTIONS = key -> "--opt-" + key.ordinal();

    private final UnixSocketConnector connector = new UnixSocketConnector(new Server());

    @Test
    void eachSettingIsReadFromTextAndApplied()
    {
        UnixSocketSettings settings = PREFIXED.parse(text(Map.ofEntries(
            Map.entry(SettingKey.SOCKET, "/run/app/app.sock"),
            Map.entry(SettingKey.FILE_MODE, "660"),
            Map.entry(SettingKey.FILE_GROUP, " www-data "),
            Map.entry(SettingKey.STALE_SOCKET, "FAIL"),
            Map.entry(SettingKey.ALLOW_UNSAFE_DIRECTORY, "true"),
            Map.entry(SettingKey.TAKEOVER, "TRUE"),
            Map.entry(SettingKey.ALLOW_USERS, "root, 1000"),
            Map.entry(SettingKey.ALLOW_GROUPS, "4242,adm"),
            Map.entry(SettingKey.TRUST_PROXIES, "www-data"),
            Map.entry(SettingKey.INHERIT, "false"),
            Map.entry(SettingKey.H2C, "true"),
            Map.entry(SettingKey.ACCEPT_QUEUE_SIZE, "77"))));
        // What the connector had beyond the schema stays.
        connector.setSocketFile(SocketFileOptions.builder().whenReplaced(WhenReplaced.NOTHING).build());
        assertSame(connector, settings.applyTo(connector));

        assertEquals(UnixSocketAddress.ofPath(Path.of("/run/app/app.sock")), connector.getAddress());
        SocketFileOptions file = connector.getSocketFile();
        assertEquals(SocketFileMode.of(0660), file.mode());
        assertEquals("www-data", file.group());
        assertEquals(StaleSocketPolicy.FAIL, file.staleSocketPolicy());
        assertTrue(file.allowUnsafeDirectory());
        assertTrue(file.takeover());
        assertEquals(WhenReplaced.NOTHING, file.whenReplaced());
        assertEquals("allowed: uids [1000], users [root], gids [4242], groups [adm]", connector.getPeerPolicy().toString());
        assertEquals("allowed: users [www-data]", connector.getTrustedProxies().toString());
        assertEquals(77, connector.getAcceptQueueSize());
        assertEquals(List.of("http/1.1", "h2c"), connector.getProtocols());
        assertSame(connector.getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration(),
            connector.getConnectionFactory(HTTP2CServerConnectionFactory.class).getHttpConfiguration());
    }

    @Test
    void blankMeansUnsetAndTheConnectorKeepsItsDefaults()
    {
        UnixSocketSettings settings = PREFIXED.parse(text(Map.of(SettingKey.SOCKET, "@myapp", SettingKey.FILE_MODE, " ",
            SettingKey.ALLOW_USERS, "", SettingKey.TAKEOVER, "  ")));
        settings.applyTo(connector);

        assertEquals(UnixSocketAddress.ofAbstractName("myapp"), connector.getAddress());
        assertNull(connector.getSocketFile().mode());
        assertFalse(connector.getSocketFile().takeover());
        // No allow-list on an abstract name: the connector's default there, this server's own user.
        assertNull(settings.peerPolicy());
        assertEquals(PeerPolicy.sameUser(), connector.getPeerPolicy());
        assertEquals(UnixSocketConnector.DEFAULT_ACCEPT_QUEUE_SIZE, connector.getAcceptQueueSize());
        assertEquals(List.of("http/1.1"), connector.getProtocols());
    }

    @Test
    void inheritIsTrueFalseOrASocketsNameAndInheritNameImpliesIt()
    {
        assertEquals(UnixSocketAddress.inherited(), PREFIXED.parse(text(Map.of(SettingKey.INHERIT, "true"))).address());
        assertEquals(UnixSocketAddress.inherited("web"), PREFIXED.parse(text(Map.of(SettingKey.INHERIT, "web"))).address());
        assertEquals(UnixSocketAddress.inherited("web"), PREFIXED.parse(text(Map.of(SettingKey.INHERIT, "false",
            SettingKey.INHERIT_NAME, "web"))).address());
        assertEquals(UnixSocketAddress.inherited("web"), PREFIXED.parse(text(Map.of(SettingKey.INHERIT, "web",
            SettingKey.INHERIT_NAME, "web"))).address());

        SettingsException twoNames = assertThrows(SettingsException.class, () -> PREFIXED.parse(text(Map.of(
            SettingKey.INHERIT, "web", SettingKey.INHERIT_NAME, "admin"))));
        assertEquals(List.of(Kind.CONFLICTING_INHERIT_NAMES), twoNames.kinds());
        assertEquals(SettingKey.INHERIT_NAME, twoNames.problems().get(0).key());
    }

    /** The front end's default mode is for a socket file only: an abstract name or an inherited socket has none. */
    @Test
    void theDefaultFileModeIsGivenToAPathOnly()
    {
        SettingsParser parser = PREFIXED.defaultFileMode(SocketFileMode.of(0600));
        assertEquals(SocketFileMode.of(0600), parser.parse(text(Map.of(SettingKey.SOCKET, "/run/a.sock"))).fileMode());
        assertEquals(SocketFileMode.of(0660), parser.parse(text(Map.of(SettingKey.SOCKET, "/run/a.sock",
            SettingKey.FILE_MODE, "0660"))).fileMode());
        assertNull(parser.parse(text(Map.of(SettingKey.SOCKET, "@a"))).fileMode());
        assertNull(parser.parse(text(Map.of(SettingKey.INHERIT, "true"))).fileMode());
        assertNull(PREFIXED.parse(text(Map.of(SettingKey.SOCKET, "/run/a.sock"))).fileMode(), "without one, the umask's");
    }

    /** A front end with a default path of its own (the demo) gets no address, and the settings are those of a path. */
    @Test
    void withAnOptionalSocketTheFrontEndsPathIsLeftOnTheConnector()
    {
        SettingsParser parser = PREFIXED.defaultFileMode(SocketFileMode.of(0600)).socketOptional();
        UnixSocketSettings settings = parser.parse(text(Map.of(SettingKey.TAKEOVER, "true")));
        assertNull(settings.address());
        assertEquals(SocketFileMode.of(0600), settings.fileMode());

        connector.setSocket("/run/default.sock");
        settings.applyTo(connector);
        assertEquals(Path.of("/run/default.sock"), connector.getSocketPath());
        assertTrue(connector.getSocketFile().takeover());
    }

    @Test
    void aValueThatCannotBeReadIsAnInvalidValueOfItsSetting()
    {
        Map<SettingKey, String> wrong = Map.of(
            SettingKey.SOCKET, "/tmp/" + "p".repeat(120),
            SettingKey.FILE_MODE, "rw-rw----",
            SettingKey.STALE_SOCKET, "delete",
            SettingKey.ALLOW_UNSAFE_DIRECTORY, "yes",
            SettingKey.TAKEOVER, "ture",
            SettingKey.H2C, "1",
            SettingKey.ACCEPT_QUEUE_SIZE, "lots");
        SettingsException failure = assertThrows(SettingsException.class, () -> PREFIXED.parse(text(wrong)));
        assertEquals(List.of(SettingKey.SOCKET, SettingKey.FILE_MODE, SettingKey.STALE_SOCKET, SettingKey.ALLOW_UNSAFE_DIRECTORY,
            SettingKey.TAKEOVER, SettingKey.H2C, SettingKey.ACCEPT_QUEUE_SIZE), keys(failure));
        for (SettingsProblem problem : failure.problems())
        {
            assertEquals(Kind.INVALID_VALUE, problem.kind(), problem.toString());
            assertEquals(wrong.get(problem.key()), problem.value());
        }

        for (String name : new String[]{"a:b", "x:"})
        {
            SettingsException badName = assertThrows(SettingsException.class, () -> PREFIXED.parse(text(Map.of(SettingKey.INHERIT, name))));
            assertEquals(List.of(Kind.INVALID_VALUE), badName.kinds(), name);
            assertEquals(SettingKey.INHERIT, badName.problems().get(0).key());
        }
        SettingsException emptyAbstractName = assertThrows(SettingsException.class, () -> PREFIXED.parse(text(Map.of(SettingKey.SOCKET, "@"))));
        assertEquals(List.of(Kind.INVALID_VALUE), emptyAbstractName.kinds());
    }

    /** A slip in a list must not widen it (an empty list admits everyone) nor turn into some other id. */
    @Test
    void anEmptyEntryOrAnIdOutOfRangeIsAProblemOfItsList()
    {
        for (String list : new String[]{",", "root,,www-data", "root,", " , root"})
        {
            SettingsException failure = assertThrows(SettingsException.class, () -> PREFIXED.parse(text(Map.of(
                SettingKey.SOCKET, "/run/a.sock", SettingKey.ALLOW_USERS, list))));
            assertEquals(List.of(Kind.EMPTY_LIST_ENTRY), failure.kinds(), list);
            assertEquals(list, failure.problems().get(0).value());
        }
        // A front end with real lists: a list of one empty entry is that slip too, not "not set".
        SettingsException onlyEmpty = assertThrows(SettingsException.class, () -> PREFIXED.parse(SettingsSource.of(
            key -> key == SettingKey.SOCKET ? "/run/a.sock" : null, key -> key == SettingKey.ALLOW_GROUPS ? List.of("") : null)));
        assertEquals(List.of(Kind.EMPTY_LIST_ENTRY), onlyEmpty.kinds());
        assertEquals(SettingKey.ALLOW_GROUPS, onlyEmpty.problems().get(0).key());
        assertNull(PREFIXED.parse(SettingsSource.of(key -> key == SettingKey.SOCKET ? "/run/a.sock" : null, key -> List.of()))
            .peerPolicy(), "an empty list is not set");

        SettingsException tooBig = assertThrows(SettingsException.class, () -> PREFIXED.parse(text(Map.of(
            SettingKey.SOCKET, "/run/a.sock", SettingKey.TRUST_PROXIES, "33,99999999999,4294967296"))));
        assertEquals(List.of(Kind.ID_OUT_OF_RANGE, Kind.ID_OUT_OF_RANGE), tooBig.kinds());
        assertEquals(List.of("99999999999", "4294967296"), tooBig.problems().stream().map(SettingsProblem::value).toList());
        assertEquals("jetty.unixhttp.trust-proxies: the id 99999999999 is out of range (at most 2147483647): correct it",
            tooBig.problems().get(0).message());
    }

    /** Only where the front end asks for it (a command line): elsewhere the connector warns when it starts. */
    @Test
    void aNameThisSystemDoesNotKnowIsAProblemOnlyWhereKnownNamesAreRequired()
    {
        Map<SettingKey, String> unknown = Map.of(SettingKey.SOCKET, "/run/a.sock", SettingKey.ALLOW_USERS, "root,no-such-user-4711",
            SettingKey.ALLOW_GROUPS, "no-such-group-4711", SettingKey.TRUST_PROXIES, "root");
        assertNotNull(PREFIXED.parse(text(unknown)).peerPolicy());

        SettingsException failure = assertThrows(SettingsException.class, () -> PREFIXED.requireKnownNames().parse(text(unknown)));
        assertEquals(List.of(Kind.UNKNOWN_NAME, Kind.UNKNOWN_NAME), failure.kinds());
        assertEquals(List.of(SettingKey.ALLOW_USERS, SettingKey.ALLOW_GROUPS), keys(failure));
        assertTrue(failure.problems().get(0).message().startsWith("jetty.unixhttp.allow-users: this system has no user no-such-user-4711 ("),
            failure.getMessage());
        assertTrue(failure.problems().get(1).message().contains("no group no-such-group-4711"), failure.getMessage());
    }

    @Test
    void whereToListenIsGivenExactlyOnce()
    {
        SettingsException none = assertThrows(SettingsException.class, () -> PREFIXED.parse(key -> null));
        assertEquals(List.of(Kind.MISSING_SOCKET), none.kinds());
        assertNull(none.problems().get(0).value());
        assertEquals("No socket to listen on: set jetty.unixhttp.socket (e.g. /run/app/app.sock, or @name for an abstract " +
            "socket), or jetty.unixhttp.inherit=true", none.getMessage());

        SettingsException both = assertThrows(SettingsException.class, () -> PREFIXED.parse(text(Map.of(
            SettingKey.SOCKET, "/run/a.sock", SettingKey.INHERIT_NAME, "web"))));
        assertEquals(List.of(Kind.SOCKET_AND_INHERIT), both.kinds());
        assertEquals("/run/a.sock", both.problems().get(0).value());
        assertTrue(both.getMessage().startsWith("jetty.unixhttp.inherit-name and jetty.unixhttp.socket exclude each other"),
            both.getMessage());

        // A socket that cannot be read is its own problem, not also a missing one.
        SettingsException unreadable = assertThrows(SettingsException.class, () -> PREFIXED.parse(text(Map.of(SettingKey.SOCKET, "@"))));
        assertEquals(List.of(Kind.INVALID_VALUE), unreadable.kinds());
    }

    @Test
    void aModeAGroupOrTakeoverNeedASocketFile()
    {
        for (Map<SettingKey, String> noFile : List.of(Map.of(SettingKey.SOCKET, "@x"), Map.of(SettingKey.INHERIT, "true")))
        {
            Map<SettingKey, String> given = new EnumMap<>(noFile);
            given.putAll(Map.of(SettingKey.FILE_MODE, "0660", SettingKey.FILE_GROUP, "www-data", SettingKey.TAKEOVER, "true"));
            SettingsException failure = assertThrows(SettingsException.class, () -> PREFIXED.parse(text(given)));
            assertEquals(List.of(Kind.FILE_SETTING_WITHOUT_FILE, Kind.FILE_SETTING_WITHOUT_FILE, Kind.TAKEOVER_WITHOUT_FILE),
                failure.kinds(), noFile.toString());
            assertEquals(List.of(SettingKey.FILE_MODE, SettingKey.FILE_GROUP, SettingKey.TAKEOVER), keys(failure));
            assertEquals(List.of("0660", "www-data", "true"), failure.problems().stream().map(SettingsProblem::value).toList());
        }
        // Other settings of a socket file mean nothing there, but do no harm.
        PREFIXED.parse(text(Map.of(SettingKey.SOCKET, "@x", SettingKey.STALE_SOCKET, "fail", SettingKey.ALLOW_UNSAFE_DIRECTORY, "true")));
    }

    /** So that a configuration is fixed in one round: each value's problem first, then the rules between settings. */
    @Test
    void everyProblemIsReportedAtOnce()
    {
        SettingsException failure = assertThrows(SettingsException.class, () -> PREFIXED.parse(text(Map.of(
            SettingKey.SOCKET, "@x",
            SettingKey.INHERIT, "true",
            SettingKey.FILE_MODE, "0999",
            SettingKey.STALE_SOCKET, "sometimes",
            SettingKey.ALLOW_USERS, "root,,adm"))));
        assertEquals(List.of(Kind.INVALID_VALUE, Kind.INVALID_VALUE, Kind.EMPTY_LIST_ENTRY, Kind.SOCKET_AND_INHERIT), failure.kinds());
        assertEquals(List.of(SettingKey.FILE_MODE, SettingKey.STALE_SOCKET, SettingKey.ALLOW_USERS, SettingKey.SOCKET), keys(failure));
        assertEquals(4, failure.getMessage().split("; ").length, failure.getMessage());
    }

    /** Each front end's own spelling, in every message; nothing of the canonical names or another front end's. */
    @Test
    void messagesNameTheSettingsAsTheFrontEndSpellsThem()
    {
        SettingsParser spring = UnixSocketSettings.parser(key -> key == SettingKey.FILE_MODE ? "unixhttp.server.file-mode" : null);
        SettingsException defaulted = assertThrows(SettingsException.class, () -> spring.parse(text(Map.of(SettingKey.SOCKET, "/run/a.sock",
            SettingKey.FILE_MODE, "0999"))));
        assertTrue(defaulted.getMessage().startsWith("unixhttp.server.file-mode: Socket file mode '0999' is not an octal mode"),
            defaulted.getMessage());

        SettingsParser options = UnixSocketSettings.parser(OPTIONS);
        Map<SettingKey, String> wrong = new EnumMap<>(SettingKey.class);
        wrong.put(SettingKey.SOCKET, "@x");
        wrong.put(SettingKey.FILE_MODE, "0600");
        wrong.put(SettingKey.FILE_GROUP, "adm");
        wrong.put(SettingKey.TAKEOVER, "true");
        wrong.put(SettingKey.STALE_SOCKET, "delete");
        wrong.put(SettingKey.H2C, "maybe");
        wrong.put(SettingKey.ALLOW_GROUPS, ",");
        SettingsException failure = assertThrows(SettingsException.class, () -> options.parse(text(wrong)));
        assertEquals(6, failure.problems().size(), failure.getMessage());
        for (SettingsProblem problem : failure.problems())
        {
            assertTrue(problem.message().contains(OPTIONS.apply(problem.key())), problem.message());
            for (SettingKey key : SettingKey.values())
                assertFalse(problem.message().contains(key.canonicalName() + "="), problem.message());
        }
        assertEquals("--opt-0=@x is an abstract name, which has no file, hence no mode or group: remove --opt-3, and " +
            "restrict who may connect with --opt-8 / --opt-9", failure.problems().get(3).message());
        assertEquals("--opt-7 replaces a socket file at a path: it does not go with an abstract name (--opt-0=@x). " +
            "Remove --opt-7", failure.problems().get(5).message());
        assertEquals("--opt-5=delete is not a policy: write remove (a dead socket at the path is replaced) or fail " +
            "(start fails instead)", failure.problems().get(0).message());
    }

    @Test
    void aFrontEndThatBindsValuesOneByOneChecksEachAlone()
    {
        PREFIXED.checkText(SettingKey.SOCKET, "/run/a.sock");
        PREFIXED.checkText(SettingKey.SOCKET, null);
        PREFIXED.checkText(SettingKey.INHERIT_NAME, "web");
        PREFIXED.checkList(SettingKey.ALLOW_USERS, List.of("root", "33"));

        SettingsException mode = assertThrows(SettingsException.class, () -> PREFIXED.checkText(SettingKey.FILE_MODE, "0999"));
        assertEquals(List.of(Kind.INVALID_VALUE), mode.kinds());
        SettingsException name = assertThrows(SettingsException.class, () -> PREFIXED.checkText(SettingKey.INHERIT_NAME, "a:b"));
        assertEquals(List.of(SettingKey.INHERIT_NAME), keys(name));
        SettingsException list = assertThrows(SettingsException.class, () -> PREFIXED.checkList(SettingKey.TRUST_PROXIES, List.of("")));
        assertEquals(List.of(Kind.EMPTY_LIST_ENTRY), list.kinds());
        assertEquals("jetty.unixhttp.trust-proxies: an empty entry in the list [\"\"]: remove it, or the whole setting to leave it unset",
            list.getMessage());
    }

    /** Settings built in code keep the rules, named by their canonical names. */
    @Test
    void theBuilderChecksTheSameRules()
    {
        SettingsException failure = assertThrows(SettingsException.class, () -> UnixSocketSettings.builder()
            .address(UnixSocketAddress.inherited()).fileMode(SocketFileMode.of(0660)).takeover(true).build());
        assertEquals(List.of(Kind.FILE_SETTING_WITHOUT_FILE, Kind.TAKEOVER_WITHOUT_FILE), failure.kinds());
        assertTrue(failure.getMessage().startsWith("file-mode does not apply to an inherited socket (inherit)"), failure.getMessage());

        UnixSocketSettings settings = UnixSocketSettings.builder().address(UnixSocketAddress.parse("/run/a.sock"))
            .fileMode(SocketFileMode.of(0660)).takeover(true).build();
        UnixSocketSettings changed = settings.toBuilder().fileGroup("adm").build();
        assertEquals(SocketFileMode.of(0660), changed.fileMode());
        assertEquals("adm", changed.fileGroup());
        assertTrue(changed.takeover());
        assertThrows(SettingsException.class, () -> changed.toBuilder().address(UnixSocketAddress.ofAbstractName("x")).build());
    }

    /** Jetty's XML makes maps, not functions: the same parser behind them, and a misspelt key is refused. */
    @Test
    void mapsOfCanonicalNamesServeConfigurationsWithoutFunctions()
    {
        Map<String, String> names = Map.of("socket", "jetty.unixhttp.path", "file-mode", "jetty.unixhttp.mode");
        Map<String, String> values = new HashMap<>();
        values.put("socket", "/run/a.sock");
        values.put("file-mode", "0999");
        values.put("file-group", null);
        SettingsException failure = assertThrows(SettingsException.class, () -> SettingsParser.parseProperties(names, values));
        assertEquals(List.of(SettingKey.FILE_MODE), keys(failure));
        assertTrue(failure.getMessage().startsWith("jetty.unixhttp.mode: "), failure.getMessage());

        values.put("file-mode", "0660");
        assertEquals(SocketFileMode.of(0660), SettingsParser.parseProperties(names, values).fileMode());

        values.put("filemode", "0660");
        IllegalArgumentException typo = assertThrows(IllegalArgumentException.class, () -> SettingsParser.parseProperties(names, values));
        assertFalse(typo instanceof SettingsException);
        assertTrue(typo.getMessage().contains("'filemode'"), typo.getMessage());
    }

    @Test
    void everyKeyHasItsOwnCanonicalName()
    {
        for (SettingKey key : SettingKey.values())
            assertSame(key, SettingKey.ofCanonicalName(key.canonicalName()));
        assertEquals(SettingKey.values().length, Arrays.stream(SettingKey.values()).map(SettingKey::canonicalName).distinct().count());
    }

    @Test
    void programRulesCombineWithUserRulesAndBothMustHold()
    {
        UnixSocketSettings settings = PREFIXED.parse(text(Map.of(
            SettingKey.SOCKET, "/run/app/app.sock",
            SettingKey.ALLOW_USERS, "www-data",
            SettingKey.ALLOW_UNITS, "nginx.service",
            SettingKey.ALLOW_EXECUTABLES, "/usr/sbin/nginx",
            SettingKey.READ_PEER_PROCESS, "true")));
        settings.applyTo(connector);
        PeerPolicy policy = connector.getPeerPolicy();
        assertTrue(policy.needsProcess());
        assertEquals("all of (allowed: users [www-data]; allowed: executables [/usr/sbin/nginx], units [nginx.service])",
            policy.toString());
        assertTrue(connector.isReadPeerProcess());
        // Program rules alone are the policy.
        UnixSocketSettings alone = PREFIXED.parse(text(Map.of(SettingKey.SOCKET, "/run/app/app.sock",
            SettingKey.ALLOW_CGROUPS, "/system.slice/nginx.service")));
        assertEquals("allowed: cgroups [/system.slice/nginx.service]", alone.peerPolicy().toString());
    }

    @Test
    void badProgramRulesAndLimitsAreTypedProblemsNamingTheFrontEndsSetting()
    {
        SettingsException failure = assertThrows(SettingsException.class, () -> PREFIXED.parse(text(Map.of(
            SettingKey.SOCKET, "/run/app/app.sock",
            SettingKey.ALLOW_EXECUTABLES, "nginx",
            SettingKey.ALLOW_UNITS, "nginx",
            SettingKey.CALLER_REQUEST_RATE, "fast",
            SettingKey.AUDIT, "yes"))));
        assertEquals(List.of(SettingKey.ALLOW_EXECUTABLES, SettingKey.ALLOW_UNITS, SettingKey.AUDIT, SettingKey.CALLER_REQUEST_RATE),
            keys(failure).stream().sorted().toList());
        for (SettingsProblem problem : failure.problems())
        {
            assertEquals(Kind.INVALID_VALUE, problem.kind(), problem.toString());
            assertTrue(problem.message().startsWith("jetty.unixhttp."), problem.message());
        }
    }

    @Test
    void auditAndCallerLimitsAreApplied()
    {
        UnixSocketSettings settings = PREFIXED.parse(text(Map.of(
            SettingKey.SOCKET, "/run/app/app.sock",
            SettingKey.AUDIT, "true",
            SettingKey.CALLER_MAX_CONNECTIONS, "64",
            SettingKey.CALLER_MAX_REQUESTS_IN_FLIGHT, "8",
            SettingKey.CALLER_REQUEST_RATE, "50")));
        settings.applyTo(connector);
        settings.applyTo(connector);
        assertEquals(1, connector.getBeans(io.github.unixhttp.connector.audit.AuditTrail.class).size(), "one trail, however often applied");
        io.github.unixhttp.connector.limits.CallerLimits limits = connector.getCallerLimits();
        assertEquals(64, limits.maxConnections());
        assertEquals(8, limits.maxRequestsInFlight());
    }

    private static SettingsSource text(Map<SettingKey, String> values)
    {
        return values::get;
    }

    private static List<SettingKey> keys(SettingsException failure)
    {
        return failure.problems().stream().map(SettingsProblem::key).toList();
    }
}
