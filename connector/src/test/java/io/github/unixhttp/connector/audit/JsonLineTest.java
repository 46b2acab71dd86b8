package io.github.unixhttp.connector.audit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.github.unixhttp.connector.internal.audit.JsonLine;
import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trail's JSON, by hand: strings escaped per RFC 8259 into printable ASCII, and read back by a real parser (jq)
 * as they were.
 */
class JsonLineTest
{
    @TempDir
    Path dir;

    @Test
    void quotesBackslashesAndControlsAreEscapedAsRfc8259Says()
    {
        assertEquals("\"a\\\"b\\\\c/d\"", JsonLine.quote("a\"b\\c/d"));
        assertEquals("\"\\b\\f\\n\\r\\t\"", JsonLine.quote("\b\f\n\r\t"));
        assertEquals("\"\\u0000\\u0001\\u001f\\u007f\"", JsonLine.quote("\u0000\u0001\u001f\u007f"));
        assertEquals("\"\\u00e9\\u2028\\ud83d\\ude00\"", JsonLine.quote("\u00e9\u2028\ud83d\ude00"));
    }

    @Test
    void everyCharacterIsWrittenAsPrintableAscii()
    {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < Character.MAX_VALUE; c++)
            all.append(c);
        String quoted = JsonLine.quote(all);
        assertTrue(quoted.chars().allMatch(c -> c >= 0x20 && c < 0x7f));
    }

    @Test
    void aLoneSurrogateBecomesTheReplacementCharacter()
    {
        // No UTF-8 holds one; jq 1.6 rejects a lone high surrogate's escape, so the line would not parse.
        assertEquals("\"a\\ufffdb\\ufffd\"", JsonLine.quote("a\ud800b\udc00"));
        assertEquals("\"\\ud83d\\ude00\\ufffd\"", JsonLine.quote("\ud83d\ude00\ude00"));
    }

    @Test
    void everyCharacterComesBackThroughJqAsItWas() throws Exception
    {
        Requirements.requireCommand("jq");
        StringBuilder text = new StringBuilder();
        for (char c = 0; c < 0x80; c++)
            text.append(c);
        // Non-ASCII of one, two and three UTF-8 bytes and the line and paragraph separators, a pair for an emoji.
        text.append("\u00e9\u0416\u2603\u2028\u2029\ufeff\uffff\ud83d\ude00");
        Path file = dir.resolve("string.json");
        Files.writeString(file, JsonLine.quote(text) + "\n");
        assertEquals(text.toString(), Run.run(Duration.ofSeconds(30), "jq", "-j", ".", file.toString()).requireSuccess().stdout());
    }

    @Test
    void aLineIsOneObjectWithItsFieldsInOrderAndNoneForAnUnknownValue()
    {
        JsonLine line = new JsonLine().add("event", "closed").add("user", (String)null).add("requests", 3).add("bytes_in", -1);
        assertEquals("{\"event\":\"closed\",\"requests\":3,\"bytes_in\":-1}", line.toJson());
        StringBuilder pairs = new StringBuilder();
        line.forEachField((key, value) -> pairs.append(key).append('=').append(value).append(' ').append(value.getClass().getSimpleName()).append(';'));
        assertEquals("event=closed String;requests=3 Long;bytes_in=-1 Long;", pairs.toString());
    }
}
