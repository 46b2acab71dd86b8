package io.github.unixhttp.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Tests that need root or an external tool call these first. Locally a missing requirement skips the test with
 * the reason; when {@code unixhttp.requireAll} is true (as {@code .ci/run} sets it) it fails instead, so that CI
 * can never pass by skipping.
 */
public final class Requirements
{
    private static final boolean REQUIRE_ALL = Boolean.getBoolean("unixhttp.requireAll") ||
        "true".equalsIgnoreCase(System.getenv("UNIXHTTP_REQUIRE_ALL"));

    private Requirements()
    {
    }

    public static boolean isRoot()
    {
        return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    }

    /** Root is needed to run a client as a second user with setpriv. */
    public static void requireRoot()
    {
        require(isRoot(), "must run as root (to act as a second user with setpriv)");
    }

    public static void requireCommand(String command)
    {
        require(findCommand(command) != null, "needs the command '" + command + "' on the PATH");
    }

    public static Path findCommand(String command)
    {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator))
        {
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate))
                return candidate;
        }
        return null;
    }

    private static void require(boolean satisfied, String why)
    {
        if (satisfied)
            return;
        if (REQUIRE_ALL)
            Assertions.fail("Requirement not met, and unixhttp.requireAll forbids skipping: this test " + why);
        Assumptions.assumeTrue(false, "Skipped: this test " + why);
    }
}
