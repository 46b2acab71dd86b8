package io.github.unixhttp.connector.portable;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import io.github.unixhttp.core.internal.nativeedge.NativeEdge;
import io.github.unixhttp.testing.ChildJvm;
import io.github.unixhttp.testing.Exchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The portable layer (JDK APIs only: what macOS and Windows get), forced in a real server process on this machine, so
 * that every run of the suite covers it: the socket file gets its mode before clients can reach it, requests carry the
 * JDK's credentials (uid and gid, no pid), a dead socket is replaced and a clean stop removes the file; what only the
 * Linux layer can do is refused at start, naming the layer and what to do instead.
 */
class PortableLayerTest
{
    private static final Map<String, String> PORTABLE = Map.of("UNIXHTTP_PLATFORM", "portable");

    @TempDir
    Path dir;

    @Test
    void aServerOnThePortableLayerServesWithItsModeAndTheJdksCredentials() throws Exception
    {
        Path socket = dir.resolve("app.sock");
        try (ChildJvm child = ChildJvm.startWithEnvironment(PORTABLE, "serve", socket.toString(), "--mode", "0640"))
        {
            String line = child.readLine();
            assertTrue(line.startsWith("LISTENING"), line + "\n" + child.stderr());
            assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket, LinkOption.NOFOLLOW_LINKS)));
            String info = Exchange.get(socket, "/info");
            int uid = NativeEdge.effectiveUid();
            assertTrue(info.startsWith("HTTP/1.1 200 "), info);
            assertTrue(info.contains("\npeer.uid=" + uid + "\n") && info.contains("\npeer.pid=null\n"), info);
            assertTrue(child.stderr().contains("portable layer (forced by UNIXHTTP_PLATFORM=portable)"), child.stderr());
            // No private directory, no temporary name left beside the socket: the file and its lock only.
            try (var entries = Files.list(dir))
            {
                assertEquals(java.util.Set.of("app.sock", "app.sock.lock"),
                    entries.map(entry -> entry.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
            }
            assertEquals(0, child.stop());
        }
        assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "a clean stop removes the socket file");
    }

    @Test
    void aDeadSocketLeftByAKilledServerIsReplacedAndALiveOneRefused() throws Exception
    {
        Path socket = dir.resolve("app.sock");
        try (ChildJvm first = ChildJvm.startWithEnvironment(PORTABLE, "serve", socket.toString()))
        {
            assertTrue(first.readLine().startsWith("LISTENING"), first.stderr());
            try (ChildJvm second = ChildJvm.startWithEnvironment(PORTABLE, "serve", socket.toString()))
            {
                String refused = second.readLine();
                assertTrue(refused.startsWith("FAILED") && refused.contains("in use by a live server"), refused);
            }
            first.kill();
        }
        assertTrue(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "kill -9 leaves the socket file behind");
        try (ChildJvm next = ChildJvm.startWithEnvironment(PORTABLE, "serve", socket.toString()))
        {
            String line = next.readLine();
            assertTrue(line.startsWith("LISTENING"), line + "\n" + next.stderr());
            assertTrue(Exchange.get(socket, "/").startsWith("HTTP/1.1 200 "));
        }
    }

    @Test
    void aTakeoverIsRefusedAtStartNamingTheLayerAndWhatToDoInstead() throws Exception
    {
        try (ChildJvm child = ChildJvm.startWithEnvironment(PORTABLE, "serve", dir.resolve("app.sock").toString(), "--takeover", "x"))
        {
            String line = child.readLine();
            assertTrue(line.startsWith("FAILED") && line.contains("needs unixhttp's Linux layer") &&
                line.contains("portable layer (forced by UNIXHTTP_PLATFORM=portable)") && line.contains("stop the old server"), line);
        }
        assertFalse(Files.exists(dir.resolve("app.sock"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void somethingThatIsNotASocketIsNeverRemoved() throws Exception
    {
        Path socket = Files.writeString(dir.resolve("app.sock"), "precious");
        try (ChildJvm child = ChildJvm.startWithEnvironment(PORTABLE, "serve", socket.toString()))
        {
            String line = child.readLine();
            assertTrue(line.startsWith("FAILED") && line.contains("a regular file is already there"), line);
        }
        assertEquals("precious", Files.readString(socket));
    }
}
