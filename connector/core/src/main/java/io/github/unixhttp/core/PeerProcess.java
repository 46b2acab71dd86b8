package io.github.unixhttp.core;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Which program is on the other end of a Unix socket connection, as Linux tells it through a pidfd of the peer
 * ({@code SO_PEERPIDFD}, Linux 6.5+): its process id, executable, cgroup and systemd unit, read while the pidfd showed
 * the process alive, so that a reused pid cannot lie. Read only when a rule, an attribute or a log asks for it; exposed
 * on requests under {@link #ATTRIBUTE} (and the per-field names below). Immutable.
 */
public final class PeerProcess
{
    /** The request attribute holding this object. */
    public static final String ATTRIBUTE = "io.github.unixhttp.peer.process";
    /** The executable's path, a {@code String} ("/usr/sbin/nginx"); absent when it could not be read. */
    public static final String EXECUTABLE_ATTRIBUTE = "io.github.unixhttp.peer.exe";
    /** The systemd unit, a {@code String} ("nginx.service"); absent when the process is in none. */
    public static final String UNIT_ATTRIBUTE = "io.github.unixhttp.peer.unit";
    /** The cgroup v2 path, a {@code String} ("/system.slice/nginx.service"). */
    public static final String CGROUP_ATTRIBUTE = "io.github.unixhttp.peer.cgroup";

    private final int pid;
    private final Path executable;
    private final String cgroup;
    private final String unit;

    private PeerProcess(int pid, Path executable, String cgroup, String unit)
    {
        this.pid = pid;
        this.executable = executable;
        this.cgroup = cgroup;
        this.unit = unit;
    }

    /**
     * @param pid the process id (as the server's pid namespace sees it)
     * @param executable the executable, or {@code null} if it could not be read (another user's process, to a server
     *                   that is not root)
     * @param cgroup the cgroup v2 path, or {@code null} if unknown
     * @return the process, with its systemd unit taken from the cgroup
     */
    public static PeerProcess of(int pid, Path executable, String cgroup)
    {
        return new PeerProcess(pid, executable, cgroup, unitOf(cgroup));
    }

    /**
     * The systemd unit of a cgroup path: its innermost component that names a service or a scope (systemd puts every
     * process of a unit in the unit's cgroup, or in one below it).
     *
     * @return e.g. {@code nginx.service} for {@code /system.slice/nginx.service}; {@code null} if there is none
     */
    public static String unitOf(String cgroup)
    {
        if (cgroup == null)
            return null;
        String[] parts = cgroup.split("/");
        for (int i = parts.length - 1; i >= 0; i--)
        {
            if (parts[i].endsWith(".service") || parts[i].endsWith(".scope"))
                return parts[i];
        }
        return null;
    }

    /** @return the process id */
    public int pid()
    {
        return pid;
    }

    /** @return the executable, or {@code null} if it could not be read */
    public Path executable()
    {
        return executable;
    }

    /** @return the cgroup v2 path, or {@code null} if unknown */
    public String cgroup()
    {
        return cgroup;
    }

    /** @return the systemd unit (service or scope), or {@code null} if the process is in none */
    public String unit()
    {
        return unit;
    }

    @Override
    public boolean equals(Object other)
    {
        return other instanceof PeerProcess that && pid == that.pid && Objects.equals(executable, that.executable) &&
            Objects.equals(cgroup, that.cgroup);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(pid, executable, cgroup);
    }

    /** @return e.g. {@code pid=812,exe=/usr/sbin/nginx,unit=nginx.service} */
    @Override
    public String toString()
    {
        return "pid=" + pid + ",exe=" + (executable == null ? "?" : executable) + (unit == null ? "" : ",unit=" + unit);
    }
}
