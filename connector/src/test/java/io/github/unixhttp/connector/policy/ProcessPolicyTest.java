package io.github.unixhttp.connector.policy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import io.github.unixhttp.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server that admits one program: two programs of the same user (curl and Python) call it, the one named by its
 * executable is served, the other refused before any handler; and with {@code readPeerProcess} the handler sees the
 * calling program. Nothing is read of processes unless asked.
 */
class ProcessPolicyTest
{
    @TempDir
    Path dir;

    @Test
    void onlyTheProgramNamedByItsExecutableIsServed() throws Exception
    {
        Requirements.requireLinuxLayer("pidfds (SO_PEERPIDFD)");
        Requirements.requireCommand("curl");
        Requirements.requireCommand("python3");
        Path curl = Requirements.findCommand("curl").toRealPath();
        try (TestServer server = TestServer.start(dir.resolve("app.sock"),
            connector -> connector.setPeerPolicy(PeerPolicy.builder().allowExecutable(curl.toString()).build())))
        {
            Run.Result byCurl = Run.run(Duration.ofSeconds(20), "curl", "-s", "--unix-socket", server.socket().toString(),
                "http://localhost/info");
            assertTrue(byCurl.stdout().contains("peer.exe=" + curl + "\n"), byCurl.stdout());
            String script = "import socket,sys\n" +
                "s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])\n" +
                "s.sendall(b'GET / HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n')\n" +
                "print(s.recv(100).split(b'\\r\\n')[0].decode())\n";
            Run.Result byPython = Run.run(Duration.ofSeconds(20), "python3", "-c", script, server.socket().toString());
            assertEquals("HTTP/1.1 403 Forbidden", byPython.stdout().trim(), byPython.stderr());
            assertEquals(1, server.connector().getRefusedConnections());
        }
    }

    @Test
    void theCallingProgramIsARequestAttributeOnlyWhenAskedFor() throws Exception
    {
        Requirements.requireLinuxLayer("pidfds (SO_PEERPIDFD)");
        Requirements.requireCommand("curl");
        Path curl = Requirements.findCommand("curl").toRealPath();
        try (TestServer asked = TestServer.start(dir.resolve("asked.sock"), connector -> connector.setReadPeerProcess(true));
             TestServer notAsked = TestServer.start(dir.resolve("not.sock")))
        {
            String withProcess = Run.run(Duration.ofSeconds(20), "curl", "-s", "--unix-socket", asked.socket().toString(),
                "http://localhost/info").stdout();
            assertTrue(withProcess.contains("peer.exe=" + curl + "\n"), withProcess);
            String without = Run.run(Duration.ofSeconds(20), "curl", "-s", "--unix-socket", notAsked.socket().toString(),
                "http://localhost/info").stdout();
            assertTrue(without.contains("peer.exe=null\n") && without.contains("peer.unit=null\n"), without);
        }
    }

    @Test
    void aProcessRuleWhereProcessesCannotBeReadRefusesToStart() throws Exception
    {
        // Turning credentials off leaves nothing to read the process with: the start says so, and nothing is bound.
        Path socket = dir.resolve("app.sock");
        IllegalStateException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
            () -> TestServer.start(socket, connector ->
            {
                connector.setReadPeerCredentials(false);
                connector.setPeerPolicy(PeerPolicy.builder().allowUnit("nginx.service").build());
            }));
        assertTrue(refused.getMessage().contains("decides by the calling program"), refused.getMessage());
        assertTrue(!Files.exists(socket));
    }
}
