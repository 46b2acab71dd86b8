package io.github.unixhttp.connector.policy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;

import io.github.unixhttp.core.PeerCredentials;
import io.github.unixhttp.core.PeerProcess;
import io.github.unixhttp.core.PeerCredentials.Field;
import io.github.unixhttp.core.internal.nativeedge.NameService;
import io.github.unixhttp.core.internal.nativeedge.NativeEdge;
import io.github.unixhttp.connector.policy.Verdict;
import io.github.unixhttp.connector.policy.PeerPolicy;

/**
 * A policy made of allow rules: a peer is admitted if any rule matches. Rules by id and by name are checked
 * against whichever the credentials know, so they also work when only names are known (see
 * {@link PeerCredentials#known()}); a peer about whom too little is known is refused.
 */
public final class PeerRules implements PeerPolicy
{
    private final Set<Integer> uids;
    private final Set<String> users;
    private final Set<Integer> gids;
    private final Set<String> groups;
    private final Set<Path> executables;
    private final Set<String> units;
    private final List<String> cgroupPrefixes;
    private final NameService names;
    private final String description;

    private PeerRules(Builder builder)
    {
        this.uids = Set.copyOf(builder.uids);
        this.users = Collections.unmodifiableSet(new LinkedHashSet<>(builder.users));
        this.gids = Set.copyOf(builder.gids);
        this.groups = Collections.unmodifiableSet(new LinkedHashSet<>(builder.groups));
        this.executables = Collections.unmodifiableSet(new LinkedHashSet<>(builder.executables));
        this.units = Collections.unmodifiableSet(new LinkedHashSet<>(builder.units));
        this.cgroupPrefixes = List.copyOf(builder.cgroupPrefixes);
        this.names = builder.names;
        this.description = builder.describe();
    }

    public static Builder builder()
    {
        return new Builder();
    }

    @Override
    public Verdict evaluate(PeerCredentials peer)
    {
        for (int uid : uids)
        {
            if (hasUid(peer, uid))
                return Verdict.allow();
        }
        for (String user : users)
        {
            // By uid when the kernel gave one: the peer's own name is then never looked up.
            boolean allowed = peer.knows(Field.UID) ? names.uidOf(user).equals(OptionalInt.of(peer.uid())) : user.equals(peer.userName());
            if (allowed)
                return Verdict.allow();
        }
        for (int gid : gids)
        {
            if (peer.isInGroup(gid) || hasGroupNameOnly(peer, () -> names.groupName(gid)))
                return Verdict.allow();
        }
        for (String group : groups)
        {
            OptionalInt gid = names.gidOf(group);
            if ((gid.isPresent() && peer.isInGroup(gid.getAsInt())) || hasGroupNameOnly(peer, () -> group))
                return Verdict.allow();
        }
        if (needsProcess())
        {
            PeerProcess process = peer.process();
            if (process == null)
                return Verdict.refuse("peer " + peer + ": its process is unknown (" +
                    (peer.processProblem() == null ? "not read" : peer.processProblem()) + "), and only process rules could " +
                    "admit it here (" + description + ")");
            if (process.executable() != null && executables.contains(process.executable()))
                return Verdict.allow();
            if (process.unit() != null && units.contains(process.unit()))
                return Verdict.allow();
            for (String prefix : cgroupPrefixes)
            {
                if (isUnder(process.cgroup(), prefix))
                    return Verdict.allow();
            }
        }
        return Verdict.refuse("peer " + peer + " is not allowed here (" + description + ")");
    }

    /** A cgroup is under a prefix when it is the prefix or one of its descendants: "/a/b" is under "/a", "/ab" is not. */
    private static boolean isUnder(String cgroup, String prefix)
    {
        if (cgroup == null)
            return false;
        String base = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        return cgroup.equals(base) || cgroup.startsWith(base + "/");
    }

    /** @return whether any rule is by the peer's process: the connector then reads it at each accept */
    @Override
    public boolean needsProcess()
    {
        return !executables.isEmpty() || !units.isEmpty() || !cgroupPrefixes.isEmpty();
    }

    /**
     * The user and group names of these rules that name no user or group on this system now. Names are looked up when
     * connections are checked (answers are cached, 5 minutes when found and 30 s when not), so such a rule admits no
     * one until the name exists: usually a typo. The connector warns of them when it starts; a command line can
     * refuse them. A name the name service failed to answer for counts as unknown too.
     *
     * @return "user NAME" and "group NAME" entries, in the order the rules were given; empty if every name resolves,
     *         and when names cannot be looked up here at all (the rules then compare the peer's names as read)
     */
    @Override
    public List<String> unknownNames()
    {
        if (!names.looksUpNames())
            return List.of();
        List<String> unknown = new ArrayList<>();
        for (String user : users)
        {
            if (names.uidOf(user).isEmpty())
                unknown.add("user " + user);
        }
        for (String group : groups)
        {
            if (names.gidOf(group).isEmpty())
                unknown.add("group " + group);
        }
        return unknown;
    }

    private boolean hasUid(PeerCredentials peer, int uid)
    {
        if (peer.knows(Field.UID))
            return peer.uid() == uid;
        String name = names.userName(uid);
        return name != null && name.equals(peer.userName());
    }

    /** Without numeric ids (the JDK-only reading), only the primary group's name can be compared. */
    private static boolean hasGroupNameOnly(PeerCredentials peer, Supplier<String> groupName)
    {
        return !peer.knows(Field.GID) && peer.groupName() != null && peer.groupName().equals(groupName.get());
    }

    @Override
    public String toString()
    {
        return description;
    }

    /**
     * Collects allow rules. With no rule at all the policy refuses everyone.
     */
    public static final class Builder
    {
        private final Set<Integer> uids = new LinkedHashSet<>();
        private final Set<String> users = new LinkedHashSet<>();
        private final Set<Integer> gids = new LinkedHashSet<>();
        private final Set<String> groups = new LinkedHashSet<>();
        private final Set<Path> executables = new LinkedHashSet<>();
        private final Set<String> units = new LinkedHashSet<>();
        private final List<String> cgroupPrefixes = new ArrayList<>();
        private NameService names = NativeEdge.names();

        private Builder()
        {
        }

        /** Admits peers running as one of these user ids. */
        public Builder allowUid(int... uids)
        {
            for (int uid : uids)
                this.uids.add(uid);
            return this;
        }

        /** Admits peers running as one of these users. */
        public Builder allowUser(String... users)
        {
            this.users.addAll(List.of(users));
            return this;
        }

        /** Admits peers whose primary or a supplementary group is one of these group ids. */
        public Builder allowGid(int... gids)
        {
            for (int gid : gids)
                this.gids.add(gid);
            return this;
        }

        /** Admits peers whose primary or a supplementary group is one of these groups. */
        public Builder allowGroup(String... groups)
        {
            this.groups.addAll(List.of(groups));
            return this;
        }

        /**
         * Admits peers whose process runs one of these executables, as the kernel names them ({@code /proc/PID/exe}:
         * the real path, links resolved). Needs Linux 6.5+ and the Linux layer; the server must be able to read the
         * peer's executable (root, or the peer's own user), else the peer is refused.
         *
         * @param paths absolute paths, e.g. {@code /usr/sbin/nginx}
         */
        public Builder allowExecutable(String... paths)
        {
            for (String path : paths)
            {
                Path executable = Path.of(path);
                if (!executable.isAbsolute())
                    throw new IllegalArgumentException("An executable rule needs an absolute path, and '" + path + "' is not one");
                executables.add(executable.normalize());
            }
            return this;
        }

        /**
         * Admits peers in one of these systemd units (the innermost service or scope of the process's cgroup).
         *
         * @param units unit names, e.g. {@code nginx.service}
         */
        public Builder allowUnit(String... units)
        {
            for (String unit : units)
            {
                if (!unit.endsWith(".service") && !unit.endsWith(".scope"))
                    throw new IllegalArgumentException("A unit rule names a service or a scope (nginx.service, " +
                        "run-u42.scope), and '" + unit + "' is neither");
                this.units.add(unit);
            }
            return this;
        }

        /**
         * Admits peers whose cgroup (v2) is one of these or below one of them.
         *
         * @param prefixes cgroup paths, e.g. {@code /system.slice/nginx.service}
         */
        public Builder allowCgroup(String... prefixes)
        {
            for (String prefix : prefixes)
            {
                if (!prefix.startsWith("/"))
                    throw new IllegalArgumentException("A cgroup rule is a path from the cgroup root (/system.slice/...), " +
                        "and '" + prefix + "' is not one");
                cgroupPrefixes.add(prefix);
            }
            return this;
        }

        /** Admits peers running as the same user as this server. */
        public Builder allowSameUser()
        {
            return allowUid(NativeEdge.effectiveUid());
        }

        /** Replaces the name service, for ids that only a particular name database knows. */
        public Builder names(NameService names)
        {
            this.names = names;
            return this;
        }

        public PeerRules build()
        {
            return new PeerRules(this);
        }

        private String describe()
        {
            List<String> parts = new ArrayList<>();
            if (!uids.isEmpty())
                parts.add("uids " + uids);
            if (!users.isEmpty())
                parts.add("users " + users);
            if (!gids.isEmpty())
                parts.add("gids " + gids);
            if (!groups.isEmpty())
                parts.add("groups " + groups);
            if (!executables.isEmpty())
                parts.add("executables " + executables);
            if (!units.isEmpty())
                parts.add("units " + units);
            if (!cgroupPrefixes.isEmpty())
                parts.add("cgroups " + cgroupPrefixes);
            return parts.isEmpty() ? "no one is allowed" : "allowed: " + String.join(", ", parts);
        }
    }
}
