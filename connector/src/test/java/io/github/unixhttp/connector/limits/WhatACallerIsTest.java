package io.github.unixhttp.connector.limits;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.github.unixhttp.testing.Exchange;
import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who counts together: a user by default, each program of a user when asked; nobody where no credentials are read. */
class WhatACallerIsTest
{
    /** Two connections from one program: the first served, the second over the limit; prints both status lines. */
    private static final String TWO_CONNECTIONS = "import socket,sys\n" +
        "def ask(s, close):\n" +
        "    s.sendall(b'GET / HTTP/1.1\\r\\nHost: x\\r\\n' + (b'Connection: close\\r\\n' if close else b'') + b'\\r\\n')\n" +
        "    return s.recv(200).split(b'\\r\\n')[0].decode()\n" +
        "first=socket.socket(socket.AF_UNIX); first.connect(sys.argv[1])\n" +
        "print(ask(first, False))\n" +
        "second=socket.socket(socket.AF_UNIX); second.connect(sys.argv[1])\n" +
        "print(ask(second, True))\n";

    @TempDir
    Path dir;

    @Test
    void eachProgramOfAUserIsACallerOfItsOwnWhenLimitsAreByExecutable() throws Exception
    {
        Requirements.requireLinuxLayer("pidfds (SO_PEERPIDFD)");
        Requirements.requireCommand("curl");
        Requirements.requireCommand("python3");
        CallerLimits onePerProgram = CallerLimits.builder().per(CallerLimits.Per.UID_AND_EXECUTABLE).maxConnections(1).build();
        try (LimitsServer server = LimitsServer.start(dir.resolve("app.sock"), onePerProgram);
             Http1Connection java = Http1Connection.open(server.socket()))
        {
            assertEquals(200, java.get("/").status());
            // This JVM holds its one connection; curl and Python, the same user, have theirs.
            Run.Result curl = Run.run(Duration.ofSeconds(20), "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                "--unix-socket", server.socket().toString(), "http://localhost/");
            assertEquals("200", curl.stdout());
            Run.Result python = Run.run(Duration.ofSeconds(20), "python3", "-c", TWO_CONNECTIONS, server.socket().toString());
            assertEquals(List.of("HTTP/1.1 200 OK", "HTTP/1.1 503 Service Unavailable"), python.stdout().lines().toList(),
                python.stderr());
            assertEquals(1, server.connector().getConnectionsRefusedOverLimit());
            // Python and curl are gone, and forgotten; this JVM is a caller by its executable.
            assertEquals(List.of("uid " + new com.sun.security.auth.module.UnixSystem().getUid() + ", exe " +
                Path.of(ProcessHandle.current().info().command().orElseThrow()).toRealPath()),
                server.awaitCallers(callers -> callers.size() == 1, Duration.ofSeconds(5)).stream().map(CallerActivity::caller).toList());
        }
    }

    @Test
    void byDefaultEveryProgramOfAUserCountsTogether() throws Exception
    {
        Requirements.requireCommand("curl");
        try (LimitsServer server = LimitsServer.start(dir.resolve("app.sock"), CallerLimits.builder().maxConnections(1).build());
             Http1Connection java = Http1Connection.open(server.socket()))
        {
            assertEquals(200, java.get("/").status());
            Run.Result curl = Run.run(Duration.ofSeconds(20), "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                "--unix-socket", server.socket().toString(), "http://localhost/");
            assertEquals("503", curl.stdout());
        }
    }

    @Test
    void limitsGivenWhereNoCredentialsAreReadRefuseToStartAndTheDefaultsStandAside() throws Exception
    {
        Path socket = dir.resolve("app.sock");
        assertThrows(IllegalStateException.class, () -> LimitsServer.start(socket, connector ->
        {
            connector.setReadPeerCredentials(false);
            connector.setCallerLimits(CallerLimits.builder().maxConnections(5).build());
        }));
        assertFalse(Files.exists(socket), "nothing was bound");

        // The defaults, and none(), start: without credentials every peer would be one caller.
        for (CallerLimits limits : List.of(CallerLimits.DEFAULTS, CallerLimits.none()))
        {
            try (LimitsServer server = LimitsServer.start(socket, connector ->
            {
                connector.setReadPeerCredentials(false);
                if (limits != CallerLimits.DEFAULTS)
                    connector.setCallerLimits(limits);
            }))
            {
                assertTrue(Exchange.get(socket, "/").startsWith("HTTP/1.1 200 "));
                assertEquals(List.of(), server.callers());
            }
        }
    }
}
