package io.github.unixhttp.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * The Python client scripts under {@code src/test/resources/clients}, copied where any user can run them.
 */
public final class Scripts
{
    private Scripts()
    {
    }

    public static Path copy(String name, Path dir) throws IOException
    {
        Path target = dir.resolve(name);
        try (InputStream in = Scripts.class.getResourceAsStream("/clients/" + name))
        {
            if (in == null)
                throw new IOException("no test script " + name);
            Files.copy(in, target);
        }
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
        return target;
    }

    /**
     * Connects once as the second user with the given supplementary groups, and says how it went: "connected",
     * "EACCES", "ENOENT", ...
     */
    public static String connectAsOtherUser(Path socket, Path scriptDir, int... groups) throws Exception
    {
        Path script = scriptDir.resolve("connect_once.py");
        if (!Files.exists(script))
            copy("connect_once.py", scriptDir);
        return Run.run(Duration.ofSeconds(20), Run.asOtherUser(List.of("/usr/bin/python3", script.toString(), socket.toString()), groups))
            .requireSuccess().stdout().trim();
    }
}
