package io.github.unixhttp.connector;

import java.nio.file.Path;
import java.time.Duration;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.connector.binding.SocketFileMode;
import io.github.unixhttp.connector.binding.StaleSocketPolicy;
import io.github.unixhttp.testing.TestServer;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SocketFileOptionsTest
{
    @TempDir
    Path dir;

    @Test
    void defaultsKeepTheUmaskAndGroupRemoveDeadSocketsAndNeverTakeOver()
    {
        SocketFileOptions defaults = SocketFileOptions.DEFAULTS;
        assertNull(defaults.mode());
        assertNull(defaults.group());
        assertEquals(StaleSocketPolicy.REMOVE, defaults.staleSocketPolicy());
        assertFalse(defaults.allowUnsafeDirectory());
        assertFalse(defaults.takeover());
        assertEquals(WhenReplaced.STOP_SERVER, defaults.whenReplaced());
        assertEquals(Duration.ofMillis(200), defaults.replacementCheckInterval());
        assertFalse(defaults.hasFileAttributes());
        assertSame(defaults, new UnixSocketConnector(new Server()).getSocketFile());
    }

    @Test
    void toBuilderChangesOnlyWhatItIsTold()
    {
        SocketFileOptions base = SocketFileOptions.builder().mode(SocketFileMode.of(0660)).group("www-data").build();
        SocketFileOptions changed = base.toBuilder().takeover(true).build();

        assertEquals(SocketFileMode.of(0660), changed.mode());
        assertEquals("www-data", changed.group());
        assertTrue(changed.takeover());
        assertFalse(base.takeover(), "the original is immutable");
        assertNotEquals(base, changed);
        assertEquals(base, changed.toBuilder().takeover(false).build());
        assertEquals(base.hashCode(), changed.toBuilder().takeover(false).build().hashCode());
    }

    @Test
    void aReplacementCheckIntervalMustBePositive()
    {
        assertThrows(IllegalArgumentException.class, () -> SocketFileOptions.builder().replacementCheckInterval(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> SocketFileOptions.builder().replacementCheckInterval(Duration.ofMillis(-1)));
        assertThrows(NullPointerException.class, () -> SocketFileOptions.builder().staleSocketPolicy(null));
    }

    @Test
    void optionsCannotChangeWhileTheConnectorRuns() throws Exception
    {
        try (TestServer server = TestServer.start(dir.resolve("app.sock")))
        {
            SocketFileOptions other = SocketFileOptions.builder().mode(SocketFileMode.of(0600)).build();
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> server.connector().setSocketFile(other));
            assertTrue(refused.getMessage().contains("stop it first"), refused.getMessage());
            assertSame(SocketFileOptions.DEFAULTS, server.connector().getSocketFile());
        }
    }

    @Test
    void anAbstractNameRefusesAModeOrATakeoverAtStart() throws Exception
    {
        for (SocketFileOptions wrong : new SocketFileOptions[]{
            SocketFileOptions.builder().mode(SocketFileMode.of(0600)).build(),
            SocketFileOptions.builder().takeover(true).build()})
        {
            Server server = new Server();
            UnixSocketConnector connector = new UnixSocketConnector(server);
            connector.setAddress(UnixSocketAddress.ofAbstractName("unixhttp-options-test-" + ProcessHandle.current().pid()));
            connector.setSocketFile(wrong);
            server.addConnector(connector);
            try
            {
                Exception failure = assertThrows(Exception.class, server::start);
                Throwable cause = failure instanceof IllegalStateException ? failure : failure.getCause();
                assertTrue(cause instanceof IllegalStateException, String.valueOf(failure));
            }
            finally
            {
                server.stop();
            }
        }
    }
}
