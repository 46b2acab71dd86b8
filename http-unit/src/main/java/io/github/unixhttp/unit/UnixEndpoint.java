package io.github.unixhttp.unit;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a Unix socket server listens: a file system path, or a Linux abstract name written {@code @name}.
 * Immutable.
 */
public final class UnixEndpoint
{
    private final Path path;
    private final String abstractName;

    private UnixEndpoint(Path path, String abstractName)
    {
        this.path = path;
        this.abstractName = abstractName;
    }

    /**
     * @param path the socket file
     */
    public static UnixEndpoint ofPath(Path path)
    {
        return new UnixEndpoint(Objects.requireNonNull(path, "path"), null);
    }

    /**
     * @param name the abstract name, without the leading {@code @}
     * @throws IllegalArgumentException if the name is empty
     */
    public static UnixEndpoint ofAbstractName(String name)
    {
        if (name == null || name.isEmpty())
            throw new IllegalArgumentException("An abstract socket name cannot be empty: write it as @name, e.g. @myapp");
        return new UnixEndpoint(null, name);
    }

    /**
     * @param text a path such as {@code /run/app.sock}, or {@code @name} for an abstract name
     * @throws IllegalArgumentException if the text is empty or holds a NUL byte
     */
    public static UnixEndpoint parse(String text)
    {
        if (text == null || text.isEmpty())
            throw new IllegalArgumentException("A Unix socket endpoint cannot be empty: give a path such as /run/app.sock, or @name");
        if (text.indexOf('\0') >= 0)
            throw new IllegalArgumentException("A Unix socket path cannot hold a NUL byte; write abstract names as @name");
        return text.startsWith("@") ? ofAbstractName(text.substring(1)) : ofPath(Path.of(text));
    }

    public boolean isAbstract()
    {
        return abstractName != null;
    }

    /**
     * @return the socket file, or {@code null} for an abstract name
     */
    public Path path()
    {
        return path;
    }

    /**
     * @return the abstract name without {@code @}, or {@code null} for a path
     */
    public String abstractName()
    {
        return abstractName;
    }

    @Override
    public boolean equals(Object other)
    {
        return other instanceof UnixEndpoint that && Objects.equals(path, that.path) && Objects.equals(abstractName, that.abstractName);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(path, abstractName);
    }

    /**
     * @return the path, or {@code @name}: what {@link #parse} reads back
     */
    @Override
    public String toString()
    {
        return isAbstract() ? "@" + abstractName : path.toString();
    }
}
