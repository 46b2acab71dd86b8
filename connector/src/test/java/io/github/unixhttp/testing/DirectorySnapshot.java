package io.github.unixhttp.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a directory holds, by name: type, mode, and for regular files the content. Compared before and after a
 * refused start to prove nothing was created, removed or changed.
 */
public record DirectorySnapshot(Map<String, String> entries)
{
    public static DirectorySnapshot of(Path dir) throws IOException
    {
        Map<String, String> entries = new TreeMap<>();
        try (var walk = Files.walk(dir))
        {
            for (Path path : (Iterable<Path>)walk::iterator)
            {
                int mode = (Integer)Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                String content = Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) ? Files.readString(path) : "";
                entries.put(dir.relativize(path).toString(), Integer.toOctalString(mode) + " " + content);
            }
        }
        return new DirectorySnapshot(entries);
    }
}
