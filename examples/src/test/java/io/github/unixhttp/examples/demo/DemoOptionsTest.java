package io.github.unixhttp.examples.demo;

import java.util.List;

import io.github.unixhttp.connector.binding.SocketFileMode;
import io.github.unixhttp.connector.binding.StaleSocketPolicy;
import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.unit.server.SettingKey;
import io.github.unixhttp.unit.server.SettingsException;
import io.github.unixhttp.unit.server.SettingsProblem;
import io.github.unixhttp.unit.server.UnixSocketSettings;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo's command line read as the shared settings: its defaults (0600 for a socket file, the path left to the
 * demo), and the settings' problems kept typed behind the message picocli reports.
 */
class DemoOptionsTest
{
    @Test
    void withoutASocketThePathIsTheDemosAndTheModeIs0600()
    {
        UnixSocketSettings settings = parse("--stale", "fail", "--allow-uid", "0,root", "--h2c").settings();
        assertNull(settings.address());
        assertEquals(SocketFileMode.of(0600), settings.fileMode());
        assertEquals(StaleSocketPolicy.FAIL, settings.staleSocketPolicy());
        assertEquals("allowed: uids [0], users [root]", settings.peerPolicy().toString());
        assertTrue(settings.h2c());
    }

    @Test
    void anAbstractNameOrAnInheritedSocketHasNoMode()
    {
        assertNull(parse("--socket", "@demo").settings().fileMode());
        assertEquals(UnixSocketAddress.inherited(), parse("--inherit").settings().address());
        assertNull(parse("--inherit").settings().fileMode());
    }

    @Test
    void theSettingsProblemsAreTheCauseTyped()
    {
        CommandLine.ParameterException failure = assertThrows(CommandLine.ParameterException.class,
            () -> parse("--socket", "@demo", "--mode", "0660", "--takeover", "--allow-gid", "no-such-group-4711"));
        SettingsException settings = assertInstanceOf(SettingsException.class, failure.getCause());
        assertEquals(List.of(SettingsProblem.Kind.UNKNOWN_NAME, SettingsProblem.Kind.FILE_SETTING_WITHOUT_FILE,
            SettingsProblem.Kind.TAKEOVER_WITHOUT_FILE), settings.kinds());
        assertEquals(List.of(SettingKey.ALLOW_GROUPS, SettingKey.FILE_MODE, SettingKey.TAKEOVER),
            settings.problems().stream().map(SettingsProblem::key).toList());
        assertEquals(settings.getMessage(), failure.getMessage());
    }

    /** The demo's own rule has no type in the schema: only its message says it, after the settings' problems. */
    @Test
    void proxyProtocolWithoutTrustedProxiesIsTheDemosOwnRule()
    {
        CommandLine.ParameterException alone = assertThrows(CommandLine.ParameterException.class, () -> parse("--proxy-protocol"));
        assertNull(alone.getCause());
        CommandLine.ParameterException withOthers = assertThrows(CommandLine.ParameterException.class,
            () -> parse("--proxy-protocol", "--mode", "x"));
        assertEquals(List.of(SettingsProblem.Kind.INVALID_VALUE), ((SettingsException) withOthers.getCause()).kinds());
        assertTrue(withOthers.getMessage().endsWith("; --proxy-protocol needs --trust-proxy: say whose PROXY headers to " +
            "believe (e.g. haproxy)"), withOthers.getMessage());
    }

    private static DemoOptions parse(String... args)
    {
        return DemoOptions.parse(DemoOptions.commandLine(), args);
    }
}
