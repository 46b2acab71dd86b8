package io.github.unixhttp.core.internal.nativeedge;

import java.net.UnixDomainSocketAddress;
import java.nio.charset.Charset;
import java.nio.file.InvalidPathException;

/**
 * The JVM's file-name encoding ({@code sun.jnu.encoding}, set from {@code LANG}/{@code LC_ALL} at start-up and
 * fixed for the JVM's life), read once; it is a JDK-internal property, hence read here in the native edge.
 */
final class FileNameEncoding
{
    static final Charset CHARSET = charset();
    /** Whether the JDK can name every peer: see {@link #canNameEveryPeer()}. */
    private static final boolean NAMES_EVERY_PEER = namesEveryByte();

    private FileNameEncoding()
    {
    }

    /**
     * @return whether the JDK can turn any name a peer's socket may be bound to into a {@link UnixDomainSocketAddress}:
     *         true for UTF-8 (a byte it cannot decode becomes U+FFFD, which it can encode) and ISO-8859-1, false for
     *         the C/POSIX locale's ASCII and for most other single-byte encodings
     */
    static boolean canNameEveryPeer()
    {
        return NAMES_EVERY_PEER;
    }

    /**
     * @param name a peer's bound name, up to its first NUL
     * @return whether the JDK's accept can make an address of it (it decodes, then makes a {@code Path}, as this does)
     */
    static boolean canNameSocketPeer(byte[] name)
    {
        // An abstract name (NUL first): the JDK reads it up to that NUL, as the empty name, which it can represent.
        if (name.length > 0 && name[0] == 0)
            return true;
        try
        {
            UnixDomainSocketAddress.of(new String(name, CHARSET));
            return true;
        }
        catch (InvalidPathException unrepresentable)
        {
            return false;
        }
    }

    private static boolean namesEveryByte()
    {
        byte[] every = new byte[255];
        for (int i = 0; i < every.length; i++)
            every[i] = (byte)(i + 1);
        // Sequences UTF-8 forbids, too: decoded as replacement characters, which must encode again.
        byte[] broken = {(byte)0xc3, (byte)0x28, (byte)0xff, (byte)0xfe, (byte)0xed, (byte)0xa0, (byte)0x80};
        return canNameSocketPeer(every) && canNameSocketPeer(broken);
    }

    private static Charset charset()
    {
        String encoding = System.getProperty("sun.jnu.encoding");
        return encoding != null && Charset.isSupported(encoding) ? Charset.forName(encoding) : Charset.defaultCharset();
    }
}
