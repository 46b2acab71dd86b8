package io.github.unixhttp.unit.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.github.unixhttp.connector.SocketFileOptions;
import io.github.unixhttp.connector.UnixSocketAddress;
import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.connector.binding.SocketFileMode;
import io.github.unixhttp.connector.binding.StaleSocketPolicy;
import io.github.unixhttp.connector.policy.PeerPolicy;
import io.github.unixhttp.connector.policy.PeerRules;

/**
 * A {@link UnixSocketConnector}'s settings as text, the way configuration files give them (Jetty's start
 * properties, a Dropwizard {@code config.yml}), checked and applied in one place so that every framework reads them
 * alike. A blank value means "not set". Each error names the setting as the configuration file spells it, using the
 * prefix given at construction (e.g. {@code jetty.unixhttp.}).
 *
 * <pre>{@code
 * UnixSocketSettings settings = new UnixSocketSettings("jetty.unixhttp.");
 * settings.setPath("/run/app/app.sock");
 * settings.setMode("0660");
 * settings.setAllowGroups("www-data");
 * settings.applyTo(connector);
 * }</pre>
 */
public class UnixSocketSettings
{
    private final String prefix;
    private String path;
    private String mode;
    private String group;
    private String staleSocket;
    private String allowUsers;
    private String allowGroups;
    private String trustProxies;
    private String inherit;
    private boolean allowUnsafeDirectory;
    private boolean takeover;

    /** Settings whose errors name them bare: {@code path}, {@code mode}, ... */
    public UnixSocketSettings()
    {
        this("");
    }

    /**
     * @param prefix put before each setting's name in error messages, as the configuration file spells it
     */
    public UnixSocketSettings(String prefix)
    {
        this.prefix = prefix == null ? "" : prefix;
    }

    /** @param path the socket file, or {@code @name} for a Linux abstract name */
    public void setPath(String path)
    {
        this.path = path;
    }

    /** @param mode the socket file's permission bits in octal, e.g. {@code 0660} */
    public void setMode(String mode)
    {
        this.mode = mode;
    }

    /** @param group the socket file's group, a name or a gid */
    public void setGroup(String group)
    {
        this.group = group;
    }

    /** @param staleSocket {@code remove} (the default) or {@code fail}: what to do with a dead socket at the path */
    public void setStaleSocket(String staleSocket)
    {
        this.staleSocket = staleSocket;
    }

    /** @param allowUsers comma-separated user names or uids allowed to connect; unset: not restricted by user */
    public void setAllowUsers(String allowUsers)
    {
        this.allowUsers = allowUsers;
    }

    /** @param allowGroups comma-separated group names or gids (primary or supplementary) allowed to connect */
    public void setAllowGroups(String allowGroups)
    {
        this.allowGroups = allowGroups;
    }

    /** @param trustProxies comma-separated user names or uids whose PROXY and Forwarded headers are believed */
    public void setTrustProxies(String trustProxies)
    {
        this.trustProxies = trustProxies;
    }

    /**
     * @param inherit {@code true} to serve the listening socket a supervisor passed (fd 0 or systemd's
     *                {@code LISTEN_FDS}), {@code false} (the default) to bind {@link #setPath path}; any other word
     *                names which of systemd's sockets to serve, by its {@code FileDescriptorName=}
     */
    public void setInherit(String inherit)
    {
        this.inherit = inherit;
    }

    /** @param allowUnsafeDirectory bind even where other users could replace the socket (see the connector) */
    public void setAllowUnsafeDirectory(boolean allowUnsafeDirectory)
    {
        this.allowUnsafeDirectory = allowUnsafeDirectory;
    }

    /**
     * @param takeover take the path over from a live server of the same user, for restarts without a failed request
     *                 (see {@link SocketFileOptions.Builder#takeover}); default {@code false}
     */
    public void setTakeover(boolean takeover)
    {
        this.takeover = takeover;
    }

    /**
     * Checks the settings and sets them on {@code connector}, which must not be started.
     *
     * @return the connector
     * @throws IllegalArgumentException naming the setting that is wrong and what to write instead
     */
    public UnixSocketConnector applyTo(UnixSocketConnector connector)
    {
        String inheritValue = blankToNull(inherit);
        boolean inheriting = inheritValue != null && !inheritValue.equalsIgnoreCase("false");
        String socket = blankToNull(path);
        if (inheriting && socket != null)
            throw new IllegalArgumentException(name("path") + "=" + socket + " and " + name("inherit") + "=" + inheritValue +
                " both say where to listen: remove one of them");
        if (!inheriting && socket == null)
            throw new IllegalArgumentException("No socket to listen on: set " + name("path") +
                " (e.g. /run/app/app.sock, or @name for an abstract socket), or " + name("inherit") + "=true");
        if (inheriting)
        {
            connector.setAddress(inheritValue.equalsIgnoreCase("true") ? UnixSocketAddress.inherited()
                : UnixSocketAddress.inherited(inheritValue));
        }
        else
        {
            try
            {
                connector.setAddress(UnixSocketAddress.parse(socket));
            }
            catch (IllegalArgumentException bad)
            {
                throw new IllegalArgumentException(name("path") + ": " + bad.getMessage(), bad);
            }
        }
        SocketFileOptions.Builder file = connector.getSocketFile().toBuilder()
            .group(blankToNull(group))
            .staleSocketPolicy(staleSocketPolicy())
            .allowUnsafeDirectory(allowUnsafeDirectory)
            .takeover(takeover);
        if (blankToNull(mode) != null)
        {
            try
            {
                file.mode(SocketFileMode.parse(mode));
            }
            catch (IllegalArgumentException bad)
            {
                throw new IllegalArgumentException(name("mode") + ": " + bad.getMessage(), bad);
            }
        }
        connector.setSocketFile(file.build());
        List<String> users = list("allowUsers", allowUsers);
        List<String> groups = list("allowGroups", allowGroups);
        if (!users.isEmpty() || !groups.isEmpty())
            connector.setPeerPolicy(peerPolicy(name("allowUsers") + "/" + name("allowGroups"), users, groups));
        List<String> proxies = list("trustProxies", trustProxies);
        if (!proxies.isEmpty())
            connector.setTrustedProxies(peerPolicy(name("trustProxies"), proxies, List.of()));
        return connector;
    }

    private StaleSocketPolicy staleSocketPolicy()
    {
        String value = blankToNull(staleSocket);
        if (value == null)
            return StaleSocketPolicy.REMOVE;
        return switch (value.trim().toLowerCase(Locale.ROOT))
        {
            case "remove" -> StaleSocketPolicy.REMOVE;
            case "fail" -> StaleSocketPolicy.FAIL;
            default -> throw new IllegalArgumentException(name("staleSocket") + "=" + value +
                " is not a policy: write remove (a dead socket at the path is replaced) or fail (start fails instead)");
        };
    }

    /**
     * The policy that admits a peer running as one of {@code users} or in one of {@code groups} (primary or
     * supplementary), from entries as configuration gives them: an entry of digits only is an id ({@code 33}), any
     * other a name ({@code www-data}), as in {@code /etc/passwd} and {@code /etc/group}. Every front end (Jetty start
     * properties, Dropwizard, Spring Boot, a command line) reads its lists through this one rule.
     *
     * @param setting names the lists in error messages, as the configuration spells them
     * @throws IllegalArgumentException naming {@code setting}, for a blank entry (a slip that must not silently widen
     *         or narrow the list) or an id beyond {@value Integer#MAX_VALUE}
     */
    public static PeerPolicy peerPolicy(String setting, List<String> users, List<String> groups)
    {
        PeerRules.Builder rules = PeerPolicy.builder();
        for (String user : users)
        {
            if (isId(setting, user))
                rules.allowUid(Integer.parseInt(user.trim()));
            else
                rules.allowUser(user.trim());
        }
        for (String group : groups)
        {
            if (isId(setting, group))
                rules.allowGid(Integer.parseInt(group.trim()));
            else
                rules.allowGroup(group.trim());
        }
        return rules.build();
    }

    private static boolean isId(String setting, String entry)
    {
        if (entry == null || entry.isBlank())
            throw new IllegalArgumentException(setting + ": an empty entry in the list: remove it");
        String trimmed = entry.trim();
        if (!trimmed.chars().allMatch(Character::isDigit))
            return false;
        // Ids above 2^31-1 exist on paper only (Linux keeps 4294967295 for "none"): one here is a typo, not a user.
        if (trimmed.length() > 10 || Long.parseLong(trimmed) > Integer.MAX_VALUE)
            throw new IllegalArgumentException(setting + ": the id " + trimmed + " is out of range (at most " +
                Integer.MAX_VALUE + "): correct it");
        return true;
    }

    /** A blank value is "not set"; an empty entry in a list that is set ({@code root,,www-data}) is an error. */
    private List<String> list(String setting, String text)
    {
        if (text == null || text.isBlank())
            return List.of();
        List<String> entries = new ArrayList<>();
        for (String entry : text.split(",", -1))
        {
            if (entry.isBlank())
                throw new IllegalArgumentException(name(setting) + "=" + text + " has an empty entry: remove the extra comma");
            entries.add(entry.trim());
        }
        return entries;
    }

    private static String blankToNull(String value)
    {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private String name(String setting)
    {
        return prefix + setting;
    }

    @Override
    public String toString()
    {
        return String.format("%s[%spath=%s, mode=%s, group=%s, staleSocket=%s, allowUsers=%s, allowGroups=%s, trustProxies=%s, inherit=%s]",
            getClass().getSimpleName(), prefix, path, mode, group, staleSocket, allowUsers, allowGroups, trustProxies, inherit);
    }
}
