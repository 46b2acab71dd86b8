package io.github.unixhttp.connector.internal.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * One JSON object on one line, built field by field, and the same fields as key-value pairs for a logger that keeps
 * them apart (journald fields). Strings are escaped per RFC 8259 and more: everything but printable ASCII is written
 * as a Unicode escape (backslash, {@code u}, four hex digits), so that a line never holds a raw line break (a peer's
 * user name or executable path can hold anything) and survives any charset the log is written in (a JVM in the C
 * locale writes non-ASCII as {@code ?}).
 */
public final class JsonLine
{
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    /** What a lone surrogate becomes: no UTF-8 can hold one, and parsers differ on its escape (jq 1.6 rejects some). */
    private static final char REPLACEMENT = '\ufffd';

    private final StringBuilder json = new StringBuilder(256).append('{');
    /** Keys and values, alternating, in the order they were added. */
    private final List<Object> keyValues = new ArrayList<>(32);

    /** Adds a string field; nothing if {@code value} is {@code null} (a field is absent when unknown). */
    public JsonLine add(String key, String value)
    {
        if (value == null)
            return this;
        name(key);
        quote(json, value);
        keyValues.add(key);
        keyValues.add(value);
        return this;
    }

    /** Adds a number field. */
    public JsonLine add(String key, long value)
    {
        name(key);
        json.append(value);
        keyValues.add(key);
        keyValues.add(value);
        return this;
    }

    private void name(String key)
    {
        if (json.length() > 1)
            json.append(',');
        quote(json, key).append(':');
    }

    /** @return the object, on one line */
    public String toJson()
    {
        return json + "}";
    }

    /** Hands each field to {@code action}, in order: strings as {@code String}, numbers as {@code Long}. */
    public void forEachField(BiConsumer<String, Object> action)
    {
        for (int i = 0; i < keyValues.size(); i += 2)
            action.accept((String)keyValues.get(i), keyValues.get(i + 1));
    }

    /** @return {@code text} as a JSON string, quotes included */
    public static String quote(CharSequence text)
    {
        return quote(new StringBuilder(text.length() + 2), text).toString();
    }

    /**
     * Appends {@code text} as a JSON string, quotes included: {@code "} and {@code \} escaped, the usual short escapes
     * for backspace, form feed, line feed, carriage return and tab, and every other character outside printable ASCII
     * (controls, DEL, non-ASCII, each half of a surrogate pair) as a Unicode escape; a lone surrogate (a Java string
     * can hold one, no UTF-8 text can) becomes U+FFFD, the replacement character, as an encoder would make it.
     *
     * @return {@code out}
     */
    public static StringBuilder quote(StringBuilder out, CharSequence text)
    {
        out.append('"');
        for (int i = 0; i < text.length(); i++)
        {
            char c = text.charAt(i);
            switch (c)
            {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default ->
                {
                    if (c >= 0x20 && c < 0x7f)
                        out.append(c);
                    else if (Character.isSurrogate(c) && !isPaired(text, i))
                        unicodeEscape(out, REPLACEMENT);
                    else
                        unicodeEscape(out, c);
                }
            }
        }
        return out.append('"');
    }

    /** @return whether the surrogate at {@code i} is half of a pair (either half) */
    private static boolean isPaired(CharSequence text, int i)
    {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c))
            return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
        return i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
    }

    private static void unicodeEscape(StringBuilder out, char c)
    {
        out.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf]).append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
    }
}
