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
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * Reads which program is a connection's peer, without trusting a pid: {@code getsockopt(SO_PEERPIDFD)} (Linux 6.5+)
 * gives a pidfd that pins the peer process. Its pid is the one the connection's credentials carry ({@code SO_PEERCRED},
 * the same process) or else the pidfd's fdinfo; then the process's {@code /proc/<pid>/exe} and {@code /proc/<pid>/cgroup}
 * are read, and the pidfd is asked whether its process still lives (a signal 0): only then were those files the pinned
 * process's, since a pid is reused only after its process is gone. Every failure is typed
 * ({@link PeerProcessException.Reason}): a rule that needs the answer then refuses.
 * <p>
 * Where pidfds have their own inodes (pidfs, Linux 6.9+, 64-bit), what was read is remembered per process for a
 * second ({@link PeerProcessCache}): a peer that opens many connections costs one pidfd and one {@code statx} each.
 */
public final class PeerProcessReader
{
    /** {@code SO_PEERPIDFD}, the same on every Linux architecture (asm-generic/socket.h). */
    static final int SO_PEERPIDFD = 77;
    /** {@code ENOPROTOOPT}: the kernel does not know the option (before 6.5). */
    private static final int ENOPROTOOPT = 92;
    private static final int EPERM = 1;
    private static final int ESRCH = 3;
    private static final int O_RDONLY_CLOEXEC = 0x80000;
    /** A cgroup file larger than this (cgroup v1 with very long paths) is not read: no cgroup is then known. */
    private static final int MAX_CGROUP_FILE = 1 << 20;

    private static final byte[] EMPTY_PATH = {0};

    private final ChannelFds fds;
    private final LibC libc;
    private final Runtime runtime;
    private final SocketOptionCalls calls;
    private final PidfdCalls pidfds;
    /** {@code null} where a pidfd's inode does not name one process (anonymous inodes before Linux 6.9, 32-bit). */
    private final PeerProcessCache cache;
    /** Per thread: accepts run on a few selector threads, and allocating per read costs. */
    private final ThreadLocal<Scratch> scratch;

    private final class Scratch
    {
        final Pointer value = Memory.allocateDirect(runtime, Integer.BYTES);
        final Pointer length = Memory.allocateDirect(runtime, Integer.BYTES);
        final Pointer statx = Memory.allocateDirect(runtime, PidfdCalls.STATX_SIZE);
        byte[] file = new byte[4096];
    }

    PeerProcessReader(ChannelFds fds, LibC libc)
    {
        this.fds = fds;
        this.libc = libc;
        this.runtime = Runtime.getRuntime(libc);
        this.calls = NativeEdge.bindC(SocketOptionCalls.class);
        this.pidfds = NativeEdge.bindC(PidfdCalls.class);
        this.cache = pidfdsHaveOwnInodes(System.getProperty("os.version"), System.getProperty("os.arch")) ? new PeerProcessCache() : null;
        this.scratch = ThreadLocal.withInitial(Scratch::new);
    }

    /**
     * @param osVersion the kernel release, as {@code os.version} gives it ("6.18.2-arch1")
     * @return whether the kernel is at least 6.5, the first with {@code SO_PEERPIDFD}
     */
    static boolean kernelHasPeerPidfd(String osVersion)
    {
        return kernelAtLeast(osVersion, 6, 5);
    }

    /** @return whether pidfds live on pidfs (Linux 6.9+), whose 64-bit inode numbers are never reused during a boot */
    static boolean pidfdsHaveOwnInodes(String osVersion, String osArch)
    {
        return kernelAtLeast(osVersion, 6, 9) && osArch != null && osArch.contains("64");
    }

    private static boolean kernelAtLeast(String osVersion, int wantedMajor, int wantedMinor)
    {
        String[] parts = osVersion == null ? new String[0] : osVersion.split("[.-]");
        try
        {
            int major = Integer.parseInt(parts[0]);
            int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return major > wantedMajor || major == wantedMajor && minor >= wantedMinor;
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
        return read(channel, 0);
    }

    /**
     * @param credentialsPid the pid this connection's {@code SO_PEERCRED} gave (the same process as its pidfd), or 0
     *        if unknown: then the pidfd's fdinfo is read for it
     * @return the peer process of an accepted connection
     * @throws PeerProcessException when it cannot be known, saying why
     */
    public PeerProcess read(SocketChannel channel, int credentialsPid) throws PeerProcessException
    {
        if (!fds.canRead(channel))
            throw new PeerProcessException(PeerProcessException.Reason.UNAVAILABLE,
                "the connection's descriptor is out of reach (start the JVM with " + NativeEdge.JVM_OPTIONS + ")");
        Scratch memory = scratch.get();
        int pidfd = peerPidfd(fds.fdOf(channel), memory);
        try
        {
            int pid = credentialsPid > 0 ? credentialsPid : pidOf(pidfd);
            if (pid == 0)
                throw new PeerProcessException(PeerProcessException.Reason.UNAVAILABLE,
                    "the peer process is outside this server's pid namespace");
            if (pid < 0)
                throw new PeerProcessException(PeerProcessException.Reason.GONE, "the peer process has exited");
            long inode = cache == null ? 0 : inodeOf(pidfd, memory);
            long now = System.nanoTime();
            PeerProcess known = inode > 0 ? cache.get(inode, pid, now) : null;
            if (known != null)
                return known;
            Path executable = executableOf(pid);
            String cgroup = cgroupOf(pid, memory);
            requireAlive(pidfd, pid);
            PeerProcess process = PeerProcess.of(pid, executable, cgroup);
            if (inode > 0)
                cache.put(inode, process, now);
            return process;
        }
        finally
        {
            libc.close(pidfd);
        }
    }

    private int peerPidfd(int fd, Scratch memory) throws PeerProcessException
    {
        memory.length.putInt(0, Integer.BYTES);
        if (calls.getsockopt(fd, LibC.SOL_SOCKET, SO_PEERPIDFD, memory.value, memory.length) != 0)
        {
            int errno = LastError.getLastError(runtime);
            if (errno == ENOPROTOOPT)
                throw new PeerProcessException(PeerProcessException.Reason.UNAVAILABLE,
                    "this kernel (" + System.getProperty("os.version") + ") has no SO_PEERPIDFD: Linux 6.5 or later is needed");
            throw new PeerProcessException(PeerProcessException.Reason.GONE,
                "getsockopt(SO_PEERPIDFD) failed, errno " + errno + " (the peer may have exited)");
        }
        return memory.value.getInt(0);
    }

    /** @return the pidfd's inode, or 0 if it cannot be had (then nothing is remembered) */
    private long inodeOf(int pidfd, Scratch memory)
    {
        if (pidfds.statx(pidfd, EMPTY_PATH, PidfdCalls.AT_EMPTY_PATH, PidfdCalls.STATX_INO, memory.statx) != 0 ||
            (memory.statx.getInt(0) & PidfdCalls.STATX_INO) == 0)
            return 0;
        return memory.statx.getLong(PidfdCalls.STATX_INO_OFFSET);
    }

    /** Signal 0 through the pidfd: sent (or refused for permission) while the process lives, ESRCH once it has exited. */
    private void requireAlive(int pidfd, int pid) throws PeerProcessException
    {
        if (pidfds.syscall(PidfdCalls.SYS_PIDFD_SEND_SIGNAL, pidfd, 0, null, 0) == 0)
            return;
        int errno = LastError.getLastError(runtime);
        if (errno == EPERM)
            return;
        if (errno == ESRCH)
            throw new PeerProcessException(PeerProcessException.Reason.GONE,
                "the peer process exited while it was being read (pid " + pid + ")");
        throw new PeerProcessException(PeerProcessException.Reason.UNAVAILABLE,
            "cannot tell whether the peer process still lives: pidfd_send_signal failed, errno " + errno);
    }

    /** @return the pid a pidfd refers to, from its fdinfo: -1 once the process has exited, 0 outside this pid namespace */
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
            // The JDK's own readlink: it keeps the link's bytes as they are, whatever the locale.
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

    /**
     * @return the cgroup v2 path ({@code 0::/...}), or the systemd hierarchy's on a cgroup v1 system; {@code null} if none.
     *         Read with the C library into a reused buffer: through {@code Files} it cost three times as much.
     */
    private String cgroupOf(int pid, Scratch memory) throws PeerProcessException
    {
        int fd = libc.open(("/proc/" + pid + "/cgroup\0").getBytes(StandardCharsets.US_ASCII), O_RDONLY_CLOEXEC, 0);
        if (fd < 0)
        {
            if (LastError.getLastError(runtime) == NativeCallException.ENOENT)
                throw new PeerProcessException(PeerProcessException.Reason.GONE, "the peer process has exited (pid " + pid + ")");
            return null;
        }
        int size;
        try
        {
            // A /proc file comes whole in one read when the buffer holds it: a full buffer means read again with a bigger one.
            while (true)
            {
                long read = libc.pread(fd, memory.file, memory.file.length, 0);
                if (read < 0)
                    return null;
                if (read < memory.file.length)
                {
                    size = (int) read;
                    break;
                }
                if (memory.file.length >= MAX_CGROUP_FILE)
                    return null;
                memory.file = new byte[memory.file.length * 2];
            }
        }
        finally
        {
            libc.close(fd);
        }
        return cgroupIn(new String(memory.file, 0, size, StandardCharsets.UTF_8));
    }

    /** @return from a {@code /proc/<pid>/cgroup} file's text, the v2 path, else the v1 systemd hierarchy's, else {@code null} */
    static String cgroupIn(String file)
    {
        String v1 = null;
        for (String line : file.split("\n"))
        {
            if (line.startsWith("0::"))
                return line.substring(3);
            int systemd = line.indexOf(":name=systemd:");
            if (systemd >= 0)
                v1 = line.substring(systemd + ":name=systemd:".length());
        }
        return v1;
    }
}
