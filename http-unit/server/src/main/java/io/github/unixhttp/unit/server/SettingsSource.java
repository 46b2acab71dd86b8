package io.github.unixhttp.unit.server;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Where a front end's settings come from, as text, for the {@link SettingsParser}: a start property, a field of a
 * YAML file, a command line option. A {@code null} or blank value is "not set".
 *
 * <p>The lists ({@link SettingKey#ALLOW_USERS}, {@link SettingKey#ALLOW_GROUPS}, {@link SettingKey#TRUST_PROXIES})
 * are comma-separated text unless the front end has real lists (YAML, Spring Boot's binding, a command line option
 * given twice): those give them by {@link #list}, entry by entry, so that a list holding one empty entry
 * ({@code [""]}) reads as the slip it is, not as "not set".</p>
 */
@FunctionalInterface
public interface SettingsSource
{
    /**
     * @param key the setting asked for
     * @return the setting's text as configured, or {@code null} if it is not set
     */
    String text(SettingKey key);

    /**
     * @param key a list setting: {@link SettingKey#ALLOW_USERS}, {@link SettingKey#ALLOW_GROUPS} or
     *            {@link SettingKey#TRUST_PROXIES}
     * @return the entries of a list setting as configured, untrimmed, or {@code null} (or an empty list) if it is not
     *         set; by default {@link #text} split at each comma
     */
    default List<String> list(SettingKey key)
    {
        String text = text(key);
        return text == null || text.isBlank() ? null : Arrays.asList(text.split(",", -1));
    }

    /**
     * @param texts each setting's text, {@code null} if not set
     * @param lists each list setting's entries, {@code null} where the front end has no list of its own for the key
     *              (its {@code texts} value is then split at commas)
     * @return a source of a front end that keeps lists as lists
     */
    static SettingsSource of(Function<SettingKey, String> texts, Function<SettingKey, List<String>> lists)
    {
        return new SettingsSource()
        {
            @Override
            public String text(SettingKey key)
            {
                return texts.apply(key);
            }

            @Override
            public List<String> list(SettingKey key)
            {
                List<String> entries = lists.apply(key);
                return entries != null ? entries : SettingsSource.super.list(key);
            }
        };
    }
}
