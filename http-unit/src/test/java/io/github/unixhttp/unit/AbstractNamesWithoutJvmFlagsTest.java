package io.github.unixhttp.unit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import io.github.unixhttp.testing.TestServer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client JVM started without {@code --add-exports java.base/sun.nio.ch} gets no JDK channel for an abstract name:
 * it must still reach one (on jnr's channel), with the same typed failures, and its requests must be served.
 */
class AbstractNamesWithoutJvmFlagsTest
{
    @org.junit.jupiter.api.BeforeEach
    void needsTheLinuxLayer()
    {
        Requirements.requireLinuxLayer("abstract names");
    }

    @Test
    void aClientJvmWithoutTheFlagsReachesAnAbstractNameOnJnrsChannelWithTypedFailures() throws Exception
    {
        String name = "unixhttp-noflags-" + UUID.randomUUID();
        try (TestServer server = TestServer.start(connector -> connector.setSocket("@" + name)))
        {
            List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
                AbstractNameClientMain.class.getName(), name);
            Run.Result result = Run.run(Duration.ofSeconds(60), command);
            assertEquals(0, result.exitCode(), result.stdout() + result.stderr());
            assertEquals(List.of("channel: jnr", "status: 200", "missing name: ConnectException"), result.stdout().lines().toList(),
                result.stderr());
            assertTrue(result.stderr().contains("Connecting to abstract names on jnr's channels"), result.stderr());
            assertEquals(1, server.handler().handled());
        }
    }
}
