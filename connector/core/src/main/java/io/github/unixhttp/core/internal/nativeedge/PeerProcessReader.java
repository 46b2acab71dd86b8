package io.github.unixhttp.core.internal.nativeedge;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import io.github.unixhttp.core.PeerProcess;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * Reads which program is a connection's peer, without trusting a pid: {@code getsockopt(SO_PEERPIDFD)} (Linux 6.5+)
 * gives a pidfd that pins the peer process; its pid is read from {@code /proc/self/fdinfo}, then the process's
 * {@code /proc/<pid>/exe} and {@code /proc/<pid>/cgroup}, then the pidfd is asked again: only if it still shows the
 * same pid (not -1: exited) were those files the pinned process's, since a pid is reused only after its process is
 * gone. Every failure is typed ({@link PeerProcessException.Reason}): a rule that needs the answer then refuses.
 */
public final class PeerProcessReader
{
    /** {@code SO_PEERPIDFD}, the same on every Linux architecture (asm-generic/socket.h). */
    static final int SO_PEERPIDFD = 77;
    /** {@code ENOPROTOOPT}: the kernel does not know the option (before 6.5). */
    private static final int ENOPROTOOPT = 92;

    private final ChannelFds fds;
    private final LibC libc;
    private final Runtime runtime;
    private final SocketOptionCalls calls;
    /** The option's value and length, per thread: accepts run on a few selector threads, and an allocation per read costs. */
    private final ThreadLocal<Pointer[]> scratch;

    PeerProcessReader(ChannelFds fds, LibC libc)
    {
        this.fds = fds;
        this.libc = libc;
        this.runtime = Runtime.getRuntime(libc);
        this.calls = LibraryLoader.create(SocketOptionCalls.class).load("c");
        this.scratch = ThreadLocal.withInitial(() -> new Pointer[]{Memory.allocateDirect(runtime, Integer.BYTES),
            Memory.allocateDirect(runtime, Integer.BYTES)});
    }

    /**
     * @param osVersion the kernel release, as {@code os.version} gives it ("6.18.2-arch1")
     * @return whether the kernel is at least 6.5, the first with {@code SO_PEERPIDFD}
     */
    static boolean kernelHasPeerPidfd(String osVersion)
    {
        String[] parts = osVersion == null ? new String[0] : osVersion.split("[.-]");
        try
        {
            int major = Integer.parseInt(parts[0]);
            int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return major > 6 || major == 6 && minor >= 5;
        }
        catch (NumberFormatException | ArrayIndexOutOfBoundsException unknown)
        {
            return false;
        }
    }

    /**
     * @return the peer process of an accepted connection
     * @throws PeerProcessException when it cannot be known, saying why
     */
    public PeerProcess read(SocketChannel channel) throws PeerProcessException
    {
        if (!fds.canRead(channel))
            throw new PeerProcessException(PeerProcessException.Reason.UNAVAILABLE,
                "the connection's descriptor is out of reach (start the JVM with " + NativeEdge.JVM_OPTIONS + ")");
        int pidfd = peerPidfd(fds.fdOf(channel));
        try
        {
            int pid = pidOf(pidfd);
            if (pid <= 0)
                throw new PeerProcessException(PeerProcessException.Reason.GONE, "the peer process has exited");
            Path executable = executableOf(pid);
            String cgroup = cgroupOf(pid);
            if (pidOf(pidfd) != pid)
                throw new PeerProcessException(PeerProcessException.Reason.GONE,
                    "the peer process exited while it was being read (pid " + pid + ")");
            return PeerProcess.of(pid, executable, cgroup);
        }
        finally
        {
            libc.close(pidfd);
        }
    }

    private int peerPidfd(int fd) throws PeerProcessException
    {
        Pointer[] memory = scratch.get();
        Pointer value = memory[0];
        Pointer length = memory[1];
        length.putInt(0, Integer.BYTES);
        if (calls.getsockopt(fd, LibC.SOL_SOCKET, SO_PEERPIDFD, value, length) != 0)
        {
            int errno = LastError.getLastError(runtime);
            if (errno == ENOPROTOOPT)
                throw new PeerProcessException(PeerProcessException.Reason.UNAVAILABLE,
                    "this kernel (" + System.getProperty("os.version") + ") has no SO_PEERPIDFD: Linux 6.5 or later is needed");
            throw new PeerProcessException(PeerProcessException.Reason.GONE,
                "getsockopt(SO_PEERPIDFD) failed, errno " + errno + " (the peer may have exited)");
        }
        return value.getInt(0);
    }

    /** @return the pid a pidfd refers to, from its fdinfo; -1 once the process has exited */
    private static int pidOf(int pidfd) throws PeerProcessException
    {
        try
        {
            // Each line is "Name:\tvalue"; a newline put first lets the first line be found like the others.
            String lines = "\n" + new String(Files.readAllBytes(Path.of("/proc/self/fdinfo/" + pidfd)), StandardCharsets.US_ASCII);
            int at = lines.indexOf("\nPid:");
            if (at >= 0)
            {
                int start = at + "\nPid:".length();
                int end = lines.indexOf('\n', start);
                return Integer.parseInt(lines.substring(start, end < 0 ? lines.length() : end).trim());
            }
        }
        catch (IOException | NumberFormatException unreadable)
        {
            throw new PeerProcessException(PeerProcessException.Reason.UNAVAILABLE, "cannot read the pidfd's fdinfo: " + unreadable);
        }
        throw new PeerProcessException(PeerProcessException.Reason.UNAVAILABLE, "the pidfd's fdinfo shows no Pid");
    }

    /** @return the executable, or {@code null} when it may not be read (another user's process, to a server not root) */
    private static Path executableOf(int pid) throws PeerProcessException
    {
        try
        {
            return Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe"));
        }
        catch (AccessDeniedException denied)
        {
            return null;
        }
        catch (NoSuchFileException gone)
        {
            throw new PeerProcessException(PeerProcessException.Reason.GONE, "the peer process has exited (pid " + pid + ")");
        }
        catch (IOException unreadable)
        {
            // A kernel thread or a zombie has no executable; nothing else is expected here.
            return null;
        }
    }

    /** @return the cgroup v2 path ({@code 0::/...}), or the systemd hierarchy's on a cgroup v1 system; {@code null} if none */
    private static String cgroupOf(int pid) throws PeerProcessException
    {
        try
        {
            String v1 = null;
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"), StandardCharsets.UTF_8))
            {
                if (line.startsWith("0::"))
                    return line.substring(3);
                if (line.contains(":name=systemd:"))
                    v1 = line.substring(line.indexOf(":name=systemd:") + ":name=systemd:".length());
            }
            return v1;
        }
        catch (NoSuchFileException gone)
        {
            throw new PeerProcessException(PeerProcessException.Reason.GONE, "the peer process has exited (pid " + pid + ")");
        }
        catch (IOException unreadable)
        {
            return null;
        }
    }
}
