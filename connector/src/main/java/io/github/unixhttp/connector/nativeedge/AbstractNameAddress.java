package io.github.unixhttp.connector.nativeedge;

import java.net.SocketAddress;
import java.util.Objects;

/**
 * A Linux abstract socket name, written {@code @name} as systemd, Go and Emilua write it.
 */
public final class AbstractNameAddress extends SocketAddress
{
    private final String name;

    public AbstractNameAddress(String name)
    {
        this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * @return the name without the leading {@code @} (nor the NUL byte the kernel sees in its place)
     */
    public String name()
    {
        return name;
    }

    @Override
    public boolean equals(Object other)
    {
        return other instanceof AbstractNameAddress that && name.equals(that.name);
    }

    @Override
    public int hashCode()
    {
        return name.hashCode();
    }

    @Override
    public String toString()
    {
        return "@" + name;
    }
}
