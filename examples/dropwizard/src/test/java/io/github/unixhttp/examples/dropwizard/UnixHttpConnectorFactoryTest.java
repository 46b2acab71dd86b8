package io.github.unixhttp.examples.dropwizard;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.codahale.metrics.MetricRegistry;
import io.dropwizard.configuration.ConfigurationException;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jetty.ConnectorFactory;
import io.dropwizard.validation.BaseValidator;
import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.connector.binding.SocketFileMode;
import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.dropwizard.UnixHttpConnectorFactory;
import io.github.unixhttp.unit.server.SettingKey;
import io.github.unixhttp.unit.server.SettingsException;
import io.github.unixhttp.unit.server.SettingsProblem;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code type: unixhttp} read from YAML as Dropwizard reads a config.yml, and built: the shared settings under the
 * YAML field names, a value that cannot be right refused as the file is read, the rules between fields when the
 * connector is built.
 */
class UnixHttpConnectorFactoryTest
{
    @Test
    void theFieldsBecomeTheConnectorsSettings() throws Exception
    {
        UnixSocketConnector connector = build(read(
            "type: unixhttp",
            "path: /run/app/app.sock",
            "mode: \"0660\"",
            "group: www-data",
            "staleSocket: fail",
            "allowUsers: [root, 1000]",
            "trustProxies: [www-data]",
            "acceptQueueSize: 77"));
        assertEquals(UnixSocketAddress.parse("/run/app/app.sock"), connector.getAddress());
        assertEquals(SocketFileMode.of(0660), connector.getSocketFile().mode());
        assertEquals("www-data", connector.getSocketFile().group());
        assertEquals("allowed: uids [1000], users [root]", connector.getPeerPolicy().toString());
        assertEquals("allowed: users [www-data]", connector.getTrustedProxies().toString());
        assertEquals(77, connector.getAcceptQueueSize());
    }

    /** Unlike Spring Boot's and the demo's 0600: Dropwizard's connector has always left the mode to the umask. */
    @Test
    void withoutAModeTheUmaskDecides() throws Exception
    {
        assertNull(build(read("type: unixhttp", "path: /run/app/app.sock")).getSocketFile().mode());
    }

    /** Dropwizard's report names the file and the field; the schema's problem is its cause. */
    @Test
    void aValueThatCannotBeRightFailsAsTheFileIsRead()
    {
        for (String[] wrong : new String[][]{
            {"mode: \"0999\"", "FILE_MODE", "INVALID_VALUE"},
            {"staleSocket: sometimes", "STALE_SOCKET", "INVALID_VALUE"},
            // Joined into text, [""] would read as "not set": everyone admitted.
            {"allowUsers: [\"\"]", "ALLOW_USERS", "EMPTY_LIST_ENTRY"},
            {"trustProxies: [33, 99999999999]", "TRUST_PROXIES", "ID_OUT_OF_RANGE"}})
        {
            ConfigurationException failure = assertThrows(ConfigurationException.class, () -> read("type: unixhttp",
                "path: /run/app/app.sock", wrong[0]));
            SettingsProblem problem = onlyProblem(failure);
            assertEquals(SettingKey.valueOf(wrong[1]), problem.key(), wrong[0]);
            assertEquals(SettingsProblem.Kind.valueOf(wrong[2]), problem.kind(), wrong[0]);
        }
    }

    @Test
    void fieldsThatDoNotGoTogetherFailTheBuildEachNamedByItsField() throws Exception
    {
        UnixHttpConnectorFactory factory = read("type: unixhttp", "inherit: \"true\"", "mode: \"0660\"", "takeover: true");
        SettingsException failure = assertThrows(SettingsException.class, () -> build(factory));
        assertEquals(List.of(SettingsProblem.Kind.FILE_SETTING_WITHOUT_FILE, SettingsProblem.Kind.TAKEOVER_WITHOUT_FILE), failure.kinds());
        assertEquals("mode does not apply to an inherited socket (inherit): the supervisor that passed it sets its mode and " +
            "group (SocketMode=/SocketGroup= in systemd). Remove mode", failure.problems().get(0).message());

        SettingsException both = assertThrows(SettingsException.class, () -> build(read("type: unixhttp", "path: /run/a.sock",
            "inherit: web")));
        assertEquals(List.of(SettingsProblem.Kind.SOCKET_AND_INHERIT), both.kinds());
        SettingsException none = assertThrows(SettingsException.class, () -> build(read("type: unixhttp")));
        assertEquals(List.of(SettingsProblem.Kind.MISSING_SOCKET), none.kinds());
        assertTrue(none.getMessage().contains("set path") && none.getMessage().contains("or inherit=true"), none.getMessage());
    }

    private static UnixHttpConnectorFactory read(String... yaml) throws Exception
    {
        byte[] config = String.join("\n", yaml).getBytes(StandardCharsets.UTF_8);
        ConnectorFactory factory = new YamlConfigurationFactory<>(ConnectorFactory.class, BaseValidator.newValidator(),
            Jackson.newObjectMapper(), "dw").build(path -> new ByteArrayInputStream(config), "config.yml");
        return (UnixHttpConnectorFactory) factory;
    }

    private static UnixSocketConnector build(UnixHttpConnectorFactory factory)
    {
        return (UnixSocketConnector) factory.build(new Server(), new MetricRegistry(), "application", null);
    }

    private static SettingsProblem onlyProblem(Throwable failure)
    {
        for (Throwable cause = failure; cause != null; cause = cause.getCause())
        {
            if (cause instanceof SettingsException settings)
            {
                assertEquals(1, settings.problems().size(), settings.getMessage());
                return settings.problems().get(0);
            }
        }
        throw new AssertionError("no SettingsException in " + failure, failure);
    }
}
