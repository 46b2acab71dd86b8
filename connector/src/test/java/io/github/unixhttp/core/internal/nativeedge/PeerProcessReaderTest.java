package io.github.unixhttp.core.internal.nativeedge;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.github.unixhttp.core.PeerProcess;
import io.github.unixhttp.testing.BackgroundProcess;
import io.github.unixhttp.testing.Requirements;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which program is calling, read through the peer's pidfd, with real processes: two programs of the same user told
 * apart by their executables, a process in a systemd-style unit cgroup (made as systemd makes them, since systemd is
 * not PID 1 here), and a peer that is gone before the server looks.
 */
class PeerProcessReaderTest
{
    @TempDir
    Path dir;
    Path socket;
    PeerProcessReader reader;

    @BeforeEach
    void pidfdsAreAvailable()
    {
        Requirements.requireLinuxLayer("pidfds (SO_PEERPIDFD)");
        assertNull(NativeEdge.whyNoPeerProcess(), "this machine runs Linux 6.18: the peer process must be readable");
        reader = NativeEdge.peerProcessReader();
        socket = dir.resolve("s.sock");
    }

    @Test
    void twoProgramsOfTheSameUserAreToldApartByTheirExecutables() throws Exception
    {
        Requirements.requireCommand("python3");
        Requirements.requireCommand("curl");
        try (ServerSocketChannel server = listen())
        {
            try (BackgroundProcess python = BackgroundProcess.startReady(pythonPeer(socket, false));
                 SocketChannel fromPython = server.accept())
            {
                PeerProcess process = reader.read(fromPython);
                assertEquals(python.pid(), process.pid());
                // What the kernel says the pid we started runs (python3 may be a launcher that execs the interpreter).
                assertEquals(Files.readSymbolicLink(Path.of("/proc/" + python.pid() + "/exe")), process.executable());
                assertTrue(process.executable().getFileName().toString().startsWith("python"), process.toString());
            }
            Process curl = new ProcessBuilder("curl", "-s", "-m", "20", "--unix-socket", socket.toString(), "http://localhost/")
                .redirectErrorStream(true).start();
            try (SocketChannel fromCurl = server.accept())
            {
                PeerProcess process = reader.read(fromCurl);
                assertEquals(curl.pid(), process.pid());
                assertEquals(Files.readSymbolicLink(Path.of("/proc/" + curl.pid() + "/exe")), process.executable());
                assertEquals("curl", process.executable().getFileName().toString());
            }
            finally
            {
                curl.destroy();
                curl.waitFor();
            }
        }
    }

    @Test
    void aProcessInAUnitsCgroupIsSeenWithItsUnit() throws Exception
    {
        Requirements.requireRoot();
        Requirements.requireCommand("python3");
        Path unified = Path.of("/sys/fs/cgroup/unified");
        Path root = Files.isDirectory(unified) ? unified : Path.of("/sys/fs/cgroup");
        String unit = "unixhttp-test-" + UUID.randomUUID() + ".service";
        Path slice = root.resolve("system.slice");
        boolean madeSlice = !Files.isDirectory(slice);
        Path cgroup = Files.createDirectories(slice.resolve(unit));
        try (ServerSocketChannel server = listen())
        {
            // As systemd starts a service: the process joins the unit's cgroup, then runs the program.
            List<String> command = List.of("sh", "-c", "echo $$ > " + cgroup.resolve("cgroup.procs") + " && exec \"$@\"", "sh");
            try (BackgroundProcess peer = BackgroundProcess.startReady(concat(command, pythonPeer(socket, false)));
                 SocketChannel accepted = server.accept())
            {
                PeerProcess process = reader.read(accepted);
                assertEquals("/system.slice/" + unit, process.cgroup());
                assertEquals(unit, process.unit());
                assertEquals(peer.pid(), process.pid());
            }
        }
        finally
        {
            // Empty once its process has gone (the kernel refuses to remove a cgroup that still has one).
            for (int i = 0; i < 50 && Files.exists(cgroup); i++)
            {
                try
                {
                    Files.delete(cgroup);
                }
                catch (java.io.IOException busy)
                {
                    Thread.sleep(100);
                }
            }
            if (madeSlice)
                Files.deleteIfExists(slice);
        }
    }

    @Test
    void aPeerThatHasExitedIsGoneNotGuessedEvenWhenItsCredentialsStillNameItsPid() throws Exception
    {
        Requirements.requireCommand("python3");
        try (ServerSocketChannel server = listen())
        {
            Process peer = new ProcessBuilder(pythonPeer(socket, true)).redirectErrorStream(true).start();
            assertTrue(peer.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "the peer did not exit");
            // Its connection is still queued: the server accepts it only now, when its pid may already be reused.
            try (SocketChannel accepted = server.accept())
            {
                PeerProcessException gone = assertThrows(PeerProcessException.class, () -> reader.read(accepted));
                assertEquals(PeerProcessException.Reason.GONE, gone.reason(), gone.getMessage());
                // SO_PEERCRED still gives the reaped process's pid, which another process may have by now.
                int stalePid = NativeEdge.peerCredentialsReader().read(accepted).pid();
                assertEquals(peer.pid(), stalePid);
                PeerProcessException stillGone = assertThrows(PeerProcessException.class, () -> reader.read(accepted, stalePid));
                assertEquals(PeerProcessException.Reason.GONE, stillGone.reason(), stillGone.getMessage());
            }
        }
    }

    @Test
    void theConnectionsOfOneProcessAreReadWithTheCredentialsPid() throws Exception
    {
        try (ServerSocketChannel server = listen();
             SocketChannel first = SocketChannel.open(UnixDomainSocketAddress.of(socket));
             SocketChannel firstAccepted = server.accept();
             SocketChannel second = SocketChannel.open(UnixDomainSocketAddress.of(socket));
             SocketChannel secondAccepted = server.accept())
        {
            int self = (int) ProcessHandle.current().pid();
            PeerProcess once = reader.read(firstAccepted, self);
            PeerProcess again = reader.read(secondAccepted, self);
            assertEquals(self, once.pid());
            assertEquals(Files.readSymbolicLink(Path.of("/proc/self/exe")), once.executable());
            assertEquals(once.executable(), again.executable());
            assertEquals(once.cgroup(), again.cgroup());
            assertEquals(reader.read(firstAccepted), once, "by the credentials' pid or by the pidfd's fdinfo, the same process");
        }
    }

    @Test
    void theCgroupIsTakenFromTheUnifiedHierarchyElseFromSystemds()
    {
        assertEquals("/system.slice/nginx.service", PeerProcessReader.cgroupIn("0::/system.slice/nginx.service\n"));
        assertEquals("/v2", PeerProcessReader.cgroupIn("12:cpu:/x\n1:name=systemd:/user.slice/a.scope\n0::/v2\n"));
        assertEquals("/user.slice/a.scope", PeerProcessReader.cgroupIn("12:cpu:/x\n1:name=systemd:/user.slice/a.scope\n"));
        assertNull(PeerProcessReader.cgroupIn("12:cpu:/x\n"));
        assertNull(PeerProcessReader.cgroupIn(""));
    }

    @Test
    void onlyKernelsWithPidfsHaveOnePidfdInodePerProcess()
    {
        assertTrue(PeerProcessReader.pidfdsHaveOwnInodes("6.9.0", "amd64"));
        assertTrue(PeerProcessReader.pidfdsHaveOwnInodes("6.18.44-fc", "aarch64"));
        assertTrue(!PeerProcessReader.pidfdsHaveOwnInodes("6.8.12", "amd64"));
        assertTrue(!PeerProcessReader.pidfdsHaveOwnInodes("6.18.0", "x86"));
        assertTrue(!PeerProcessReader.pidfdsHaveOwnInodes("6.18.0", "arm"));
    }

    @Test
    void theKernelVersionDecidesWhetherPidfdsCanBeAskedFor()
    {
        assertTrue(PeerProcessReader.kernelHasPeerPidfd("6.18.44-fc-v1272"));
        assertTrue(PeerProcessReader.kernelHasPeerPidfd("6.5.0"));
        assertTrue(PeerProcessReader.kernelHasPeerPidfd("7.0"));
        assertTrue(!PeerProcessReader.kernelHasPeerPidfd("6.4.16-generic"));
        assertTrue(!PeerProcessReader.kernelHasPeerPidfd("5.15.0-91-generic"));
        assertTrue(!PeerProcessReader.kernelHasPeerPidfd("garbage"));
    }

    private ServerSocketChannel listen() throws java.io.IOException
    {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        return server;
    }

    /** A python3 peer that connects, says READY, and waits for its stdin to close (or exits at once). */
    private static List<String> pythonPeer(Path socket, boolean exitAtOnce)
    {
        String script = "import socket,sys\n" +
            "s=socket.socket(socket.AF_UNIX)\n" +
            "s.connect(sys.argv[1])\n" +
            "print('READY',flush=True)\n" +
            (exitAtOnce ? "" : "sys.stdin.read()\n");
        return List.of("python3", "-c", script, socket.toString());
    }

    private static List<String> concat(List<String> first, List<String> second)
    {
        List<String> all = new java.util.ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
