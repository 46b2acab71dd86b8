package io.github.unixhttp.connector.binding;

import java.io.Serializable;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * The permission bits of a socket file, such as {@code 0660}.
 *
 * <p>On Linux a client needs write permission on the socket file to connect, so {@code 0600} admits only the
 * owner, {@code 0660} the owner and the file's group, {@code 0666} everyone who can reach the directory.
 * Only the nine permission bits are accepted: set-id and sticky bits mean nothing on a socket. Serializable, as
 * values a JMX console may be handed should be.</p>
 */
public final class SocketFileMode implements Serializable
{
    private static final long serialVersionUID = 1L;

    private static final PosixFilePermission[] BITS_HIGH_TO_LOW = {
        PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
        PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE
    };

    private final int bits;

    private SocketFileMode(int bits)
    {
        this.bits = bits;
    }

    /**
     * @param bits the mode as a number; write it as a Java octal literal, e.g. {@code SocketFileMode.of(0660)}
     * @throws IllegalArgumentException if the mode is outside 0000–0777
     */
    public static SocketFileMode of(int bits)
    {
        if (bits < 0 || bits > 0777)
            throw new IllegalArgumentException(String.format(
                "Socket file mode %s is outside 0000-0777: give only permission bits, e.g. 0600 (owner only) or 0660 (owner and group)",
                bits < 0 ? Integer.toString(bits) : "0" + Integer.toOctalString(bits)));
        return new SocketFileMode(bits);
    }

    /**
     * @param octal the mode written in octal, with or without a leading zero: {@code "0660"}, {@code "660"}
     * @throws IllegalArgumentException if the text is not an octal number within 0000–0777
     */
    public static SocketFileMode parse(String octal)
    {
        String text = octal == null ? "" : octal.trim();
        if (text.isEmpty() || text.length() > 4 || !text.chars().allMatch(c -> c >= '0' && c <= '7'))
            throw new IllegalArgumentException("Socket file mode '" + octal +
                "' is not an octal mode within 0000-0777: write it like 0600 (owner only) or 0660 (owner and group)");
        return of(Integer.parseInt(text, 8));
    }

    /**
     * @return the mode as a number, e.g. {@code 0660} (432 decimal)
     */
    public int bits()
    {
        return bits;
    }

    /**
     * @return the mode as the JDK's permission set
     */
    public Set<PosixFilePermission> toPermissions()
    {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < BITS_HIGH_TO_LOW.length; i++)
        {
            if ((bits & (0400 >> i)) != 0)
                permissions.add(BITS_HIGH_TO_LOW[i]);
        }
        return permissions;
    }

    @Override
    public boolean equals(Object other)
    {
        return other instanceof SocketFileMode mode && mode.bits == bits;
    }

    @Override
    public int hashCode()
    {
        return bits;
    }

    /**
     * @return the mode in four octal digits, e.g. {@code 0660}
     */
    @Override
    public String toString()
    {
        return String.format("%04o", bits);
    }
}
