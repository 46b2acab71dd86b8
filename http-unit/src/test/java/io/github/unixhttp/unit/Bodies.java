package io.github.unixhttp.unit;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Request and response bodies the client tests send and expect. */
public final class Bodies
{
    public static final int TEN_MEGABYTES = 10 * 1024 * 1024;

    private Bodies()
    {
    }

    public static byte[] random(int size)
    {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    /** What the test server's {@code /digest} answers for {@code body}. */
    public static String digestOf(byte[] body) throws Exception
    {
        return "length=" + body.length + " sha256=" +
            java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(body));
    }

    /** What the test server's {@code /bytes?n=N} sends. */
    public static byte[] served(int size)
    {
        return "0123456789abcdef".repeat(size / 16).getBytes(StandardCharsets.US_ASCII);
    }

    /** The value of a {@code key=value} line in the test server's {@code /info} answer. */
    public static String field(String info, String key)
    {
        return info.lines().filter(line -> line.startsWith(key + "=")).map(line -> line.substring(key.length() + 1))
            .findFirst().orElseThrow(() -> new AssertionError("no " + key + " in " + info));
    }
}
