package io.github.unixhttp.unit.server;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The settings cannot be used as given: every {@linkplain #problems() problem} found at once, so that a
 * configuration is fixed in one round rather than one error per start. The message is the problems' messages,
 * separated by {@code "; "}.
 */
public class SettingsException extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    private final transient List<SettingsProblem> problems;

    /**
     * @param problems at least one problem
     */
    public SettingsException(List<SettingsProblem> problems)
    {
        super(problems.stream().map(SettingsProblem::message).collect(Collectors.joining("; ")));
        if (problems.isEmpty())
            throw new IllegalArgumentException("A SettingsException needs at least one problem");
        this.problems = List.copyOf(problems);
    }

    /**
     * @return the problems: first the values that cannot be read, in the order {@link SettingKey} lists the settings,
     *         then the rules between settings that are broken
     */
    public List<SettingsProblem> problems()
    {
        return problems;
    }

    /**
     * @return the kinds of the problems, in the order of {@link #problems()}
     */
    public List<SettingsProblem.Kind> kinds()
    {
        return problems.stream().map(SettingsProblem::kind).toList();
    }
}
