package io.github.unixhttp.unit.server;

import java.util.Objects;

/**
 * One thing wrong with a front end's settings, found by the {@link SettingsParser} (or by
 * {@link UnixSocketSettings.Builder#build()}): which setting to change, what kind of problem it is (for programs and
 * tests), the value at fault, and a message for people that names the setting as the front end spells it and says
 * what to write instead.
 *
 * @param key     the setting to change; for two settings that do not go together, the one to remove
 * @param kind    what kind of problem it is
 * @param value   the setting's text as configured, or {@code null} when the problem is a setting that is missing
 * @param message what is wrong and how to fix it, in the front end's spelling of the settings
 */
public record SettingsProblem(SettingKey key, Kind kind, String value, String message)
{
    /** What kind of problem a setting has; the message says the rest. */
    public enum Kind
    {
        /** The text cannot be read as the setting's type: a socket, a mode, a policy, true or false, a number... */
        INVALID_VALUE,
        /** A list holds an empty entry ({@code root,,www-data}): a slip that must neither widen nor narrow it. */
        EMPTY_LIST_ENTRY,
        /** A numeric user or group id beyond 2147483647, which only a typo gives. */
        ID_OUT_OF_RANGE,
        /** A user or group name this system does not know, where the front end asks for known names only. */
        UNKNOWN_NAME,
        /** Neither a socket nor an inherited socket is given: nowhere to listen. */
        MISSING_SOCKET,
        /** Both a socket and an inherited socket are given: two places to listen. */
        SOCKET_AND_INHERIT,
        /** Two different names of the inherited socket are given. */
        CONFLICTING_INHERIT_NAMES,
        /** A mode or group for a socket that has no file of ours: an abstract name or an inherited socket. */
        FILE_SETTING_WITHOUT_FILE,
        /** Takeover for a socket that has no file of ours to replace: an abstract name or an inherited socket. */
        TAKEOVER_WITHOUT_FILE,
        /** The setting needs a library that is not on the class path. */
        MISSING_DEPENDENCY
    }

    // The value may be null: a missing setting has none.
    public SettingsProblem
    {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
    }
}
