package io.github.unixhttp.connector.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where the connector cannot work (any system but Linux, for now), its start says so and what to use instead, rather
 * than fail on a missing {@code /proc} path.
 */
class PlatformRefusalTest
{
    @Test
    void anotherSystemIsRefusedNamingItAndWhatToUse()
    {
        for (String system : new String[]{"Mac OS X", "Windows 11", "FreeBSD"})
        {
            String message = assertThrows(IllegalStateException.class, () -> ListeningSockets.requireLinux(system, "connector")).getMessage();
            assertTrue(message.contains(system) && message.contains("Linux only") && message.contains("UnixDomainServerConnector"), message);
        }
        assertDoesNotThrow(() -> ListeningSockets.requireLinux("Linux", "connector"));
    }
}
