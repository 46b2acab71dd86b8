package io.github.unixhttp.core;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Who is on the other end of a Unix socket connection, as the kernel recorded it when the peer called
 * {@code connect(2)}: process id, user and group ids, supplementary groups, and the user and group names.
 *
 * <p>What is known depends on how the credentials were read ({@link #known()}): with
 * {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED} everything is; without it only the user and group names
 * are (the JDK's own {@code SO_PEERCRED}). Accessors of unknown fields return -1, an empty array or
 * {@code null}.</p>
 *
 * <p>Exposed on each request under the attribute names below, by the connector's {@code UnixSocketCustomizer} (unixhttp-connector).</p>
 */
public final class PeerCredentials
{
    /** The whole {@code PeerCredentials} object. */
    public static final String ATTRIBUTE = "io.github.unixhttp.peer";
    /** The peer's process id, an {@code Integer}. */
    public static final String PID_ATTRIBUTE = "io.github.unixhttp.peer.pid";
    /** The peer's effective user id, an {@code Integer}. */
    public static final String UID_ATTRIBUTE = "io.github.unixhttp.peer.uid";
    /** The peer's effective group id, an {@code Integer}. */
    public static final String GID_ATTRIBUTE = "io.github.unixhttp.peer.gid";
    /** The peer process's supplementary group ids, an {@code int[]}. */
    public static final String GROUPS_ATTRIBUTE = "io.github.unixhttp.peer.groups";
    /** The peer's user name, a {@code String}. */
    public static final String USER_ATTRIBUTE = "io.github.unixhttp.peer.user";
    /** The name of the peer's group, a {@code String}. */
    public static final String GROUP_ATTRIBUTE = "io.github.unixhttp.peer.group";

    /**
     * A {@code CustomRequestLog} format that shows who made each request: the peer's credentials (e.g.
     * {@code pid=4321,uid=1000(alice),gid=1000(alice),groups=27}) where the NCSA format has the client address,
     * which on a Unix socket is an empty {@link java.net.UnixDomainSocketAddress}. Use
     * {@code %{io.github.unixhttp.peer}attr} in a format of your own for the same.
     */
    public static final String REQUEST_LOG_FORMAT = "%{" + ATTRIBUTE + "}attr - %u %t \"%r\" %s %O \"%{Referer}i\" \"%{User-Agent}i\"";

    /** The fields a {@code PeerCredentials} may or may not know. */
    public enum Field
    {
        PID, UID, GID, GROUPS, USER_NAME, GROUP_NAME
    }

    /**
     * The sets of known id fields there are, shared by all credentials (every connection has some): never changed.
     */
    private static final EnumSet<Field> IDS = EnumSet.of(Field.PID, Field.UID, Field.GID);
    private static final EnumSet<Field> IDS_AND_GROUPS = EnumSet.of(Field.PID, Field.UID, Field.GID, Field.GROUPS);
    private static final EnumSet<Field> USER_AND_GROUP = EnumSet.of(Field.UID, Field.GID);
    private static final EnumSet<Field> NONE = EnumSet.noneOf(Field.class);
    /** Never handed out: {@link #groups()} returns copies. */
    private static final int[] NO_GROUPS = new int[0];

    /**
     * The id fields known, one of the shared sets above (never changed); whether the names are is asked of
     * {@link #userName()} and {@link #groupName()}.
     */
    private final EnumSet<Field> known;
    private final int pid;
    private final int uid;
    private final int gid;
    private final int[] groups;
    /** Where names come from when first asked for; {@code null} when they were given. */
    private final IntFunction<String> userNames;
    private final IntFunction<String> groupNames;
    private volatile String userName;
    private volatile String groupName;
    /** Read only when asked for (a process rule, {@code readPeerProcess}); {@code null} otherwise or if unknown. */
    private final PeerProcess process;
    /** Why the process is unknown when it was asked for; {@code null} if it is known or was not asked for. */
    private final String processProblem;

    private PeerCredentials(EnumSet<Field> known, int pid, int uid, int gid, int[] groups, String userName, String groupName,
                            IntFunction<String> userNames, IntFunction<String> groupNames)
    {
        this(known, pid, uid, gid, groups, userName, groupName, userNames, groupNames, null, null);
    }

    private PeerCredentials(EnumSet<Field> known, int pid, int uid, int gid, int[] groups, String userName, String groupName,
                            IntFunction<String> userNames, IntFunction<String> groupNames, PeerProcess process,
                            String processProblem)
    {
        this.process = process;
        this.processProblem = processProblem;
        this.known = known;
        this.pid = pid;
        this.uid = uid;
        this.gid = gid;
        this.groups = groups;
        this.userName = userName;
        this.groupName = groupName;
        this.userNames = userNames;
        this.groupNames = groupNames;
    }

    /**
     * Credentials as {@code SO_PEERCRED} and {@code SO_PEERGROUPS} give them, with the names looked up.
     *
     * @param groups the supplementary groups, or {@code null} if they could not be read
     * @param userName the user's name, or {@code null} if the uid has none
     * @param groupName the group's name, or {@code null} if the gid has none
     */
    public static PeerCredentials of(int pid, int uid, int gid, int[] groups, String userName, String groupName)
    {
        return new PeerCredentials(groups == null ? IDS : IDS_AND_GROUPS, pid, uid, gid, copyOf(groups), userName, groupName,
            null, null);
    }

    /**
     * Credentials as {@code SO_PEERCRED} and {@code SO_PEERGROUPS} give them, with the names looked up only when
     * first asked for: a name service lookup may block (LDAP, sssd) and most connections never need a name.
     *
     * @param groups the supplementary groups, or {@code null} if they could not be read
     * @param userNames the name of a uid, or {@code null} if it has none or cannot be looked up now (asked again later)
     * @param groupNames the name of a gid, likewise
     */
    public static PeerCredentials withNameLookup(int pid, int uid, int gid, int[] groups, IntFunction<String> userNames,
                                                 IntFunction<String> groupNames)
    {
        return new PeerCredentials(groups == null ? IDS : IDS_AND_GROUPS, pid, uid, gid, copyOf(groups), null, null,
            Objects.requireNonNull(userNames, "userNames"), Objects.requireNonNull(groupNames, "groupNames"));
    }

    /**
     * Credentials with user and group ids but no pid and no supplementary groups, as the portable layer reads them
     * from the JDK's {@code SO_PEERCRED} (macOS, or Linux without native calls).
     *
     * @param uid the user id
     * @param gid the primary group id
     * @param userName the user's name, or {@code null} if the uid has none
     * @param groupName the group's name, or {@code null} if the gid has none
     * @return the credentials
     */
    public static PeerCredentials ofUserAndGroup(int uid, int gid, String userName, String groupName)
    {
        return new PeerCredentials(USER_AND_GROUP, -1, uid, gid, NO_GROUPS, userName, groupName, null, null);
    }

    /**
     * Credentials known only by name, as the JDK's {@code SO_PEERCRED} gives them.
     *
     * @param userName the user's name, or {@code null} if unknown
     * @param groupName the group's name, or {@code null} if unknown
     * @return the credentials
     */
    public static PeerCredentials ofNames(String userName, String groupName)
    {
        return new PeerCredentials(NONE, -1, -1, -1, NO_GROUPS, userName, groupName, null, null);
    }

    /**
     * @param process the peer process, read through a pidfd for this very connection
     * @return these credentials with the peer's process (read through this connection's pidfd, never looked up by
     *         pid: pids are reused)
     */
    public PeerCredentials withProcess(PeerProcess process)
    {
        // The names stay looked up on first use, as in the credentials this copies.
        return new PeerCredentials(known, pid, uid, gid, groups, userName, groupName, userNames, groupNames,
            Objects.requireNonNull(process, "process"), null);
    }

    /**
     * @param problem why the process could not be read, for refusals and logs
     * @return these credentials, saying the process was asked for and is unknown
     */
    public PeerCredentials withUnknownProcess(String problem)
    {
        return new PeerCredentials(known, pid, uid, gid, groups, userName, groupName, userNames, groupNames, null,
            Objects.requireNonNull(problem, "problem"));
    }

    /**
     * @return the peer process (executable, cgroup, systemd unit), or {@code null} when it was not asked for or could
     *         not be read (see {@link #processProblem()}); read only when a process rule or the connector's
     *         {@code readPeerProcess} asks for it
     */
    public PeerProcess process()
    {
        return process;
    }

    /** @return why {@link #process()} is unknown though asked for; {@code null} if it is known or was not asked for */
    public String processProblem()
    {
        return processProblem;
    }

    /** A copy the caller cannot change; no groups (the usual root and service account) share one empty array. */
    private static int[] copyOf(int[] groups)
    {
        return groups == null || groups.length == 0 ? NO_GROUPS : groups.clone();
    }

    /**
     * @return the fields these credentials know
     */
    public Set<Field> known()
    {
        EnumSet<Field> fields = EnumSet.copyOf(known);
        if (userName() != null)
            fields.add(Field.USER_NAME);
        if (groupName() != null)
            fields.add(Field.GROUP_NAME);
        return fields;
    }

    /**
     * @return whether the field is known; for a name, looked up if need be
     */
    public boolean knows(Field field)
    {
        return switch (field)
        {
            case USER_NAME -> userName() != null;
            case GROUP_NAME -> groupName() != null;
            default -> known.contains(field);
        };
    }

    /** @return the peer's process id, or -1 if unknown */
    public int pid()
    {
        return pid;
    }

    /** @return the peer's effective user id, or -1 if unknown */
    public int uid()
    {
        return uid;
    }

    /** @return the peer's effective group id, or -1 if unknown */
    public int gid()
    {
        return gid;
    }

    /** @return the peer process's supplementary groups, or an empty array if unknown */
    public int[] groups()
    {
        return groups.clone();
    }

    /** @return whether the peer's primary or one of its supplementary groups is {@code gid} (as far as known) */
    public boolean isInGroup(int gid)
    {
        if (knows(Field.GID) && this.gid == gid)
            return true;
        for (int group : groups)
        {
            if (group == gid)
                return true;
        }
        return false;
    }

    /** @return the peer's user name, or {@code null} if unknown (looked up on first call if need be) */
    public String userName()
    {
        String name = userName;
        if (name == null && userNames != null)
            userName = name = userNames.apply(uid);
        return name;
    }

    /** @return the name of the peer's group, or {@code null} if unknown (looked up on first call if need be) */
    public String groupName()
    {
        String name = groupName;
        if (name == null && groupNames != null)
            groupName = name = groupNames.apply(gid);
        return name;
    }

    @Override
    public boolean equals(Object other)
    {
        return other instanceof PeerCredentials that && known().equals(that.known()) && pid == that.pid && uid == that.uid &&
            gid == that.gid && Arrays.equals(groups, that.groups) && Objects.equals(userName(), that.userName()) &&
            Objects.equals(groupName(), that.groupName()) && Objects.equals(process, that.process);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(known(), pid, uid, gid, Arrays.hashCode(groups), userName(), groupName());
    }

    /**
     * @return the known fields, e.g. {@code pid=4321,uid=1000(alice),gid=1000(alice),groups=27,100}
     */
    @Override
    public String toString()
    {
        StringBuilder text = new StringBuilder();
        if (knows(Field.PID))
            text.append("pid=").append(pid);
        appendId(text, "uid", knows(Field.UID), uid, userName());
        appendId(text, "gid", knows(Field.GID), gid, groupName());
        if (knows(Field.GROUPS))
        {
            text.append(text.length() == 0 ? "" : ",").append("groups=");
            for (int i = 0; i < groups.length; i++)
                text.append(i == 0 ? "" : ":").append(groups[i]);
        }
        if (process != null)
        {
            text.append(",exe=").append(process.executable() == null ? "?" : process.executable());
            if (process.unit() != null)
                text.append(",unit=").append(process.unit());
        }
        return text.toString();
    }

    private static void appendId(StringBuilder text, String label, boolean idKnown, int id, String name)
    {
        if (!idKnown && name == null)
            return;
        text.append(text.length() == 0 ? "" : ",").append(label).append('=');
        if (idKnown)
            text.append(id);
        if (name != null)
            text.append(idKnown ? "(" + name + ")" : name);
    }
}
