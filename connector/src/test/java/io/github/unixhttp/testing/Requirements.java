package io.github.unixhttp.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

import io.github.unixhttp.core.internal.platform.Platform;
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

    /** What a skipped test's reason starts with when it needs the Linux layer: {@code .ci/run} counts these. */
    public static final String NEEDS_LINUX_LAYER = "Needs the Linux layer: ";

    /**
     * For a test of what only the Linux layer does (pid, supplementary groups, abstract names, descriptor-relative
     * binding, takeover, the stop's backlog drain...): in a run with the portable layer forced
     * ({@code UNIXHTTP_PLATFORM=portable}, as {@code .ci/run}'s second run), it is skipped with a reason that starts
     * with {@link #NEEDS_LINUX_LAYER}, and counted; if the portable layer was not forced but chosen (jnr cannot load),
     * that is a broken machine, and {@code unixhttp.requireAll} fails the test.
     *
     * @param what what the test needs of the Linux layer
     */
    public static void requireLinuxLayer(String what)
    {
        Platform platform = Platform.current();
        if (platform.isLinux())
            return;
        boolean forced = "portable".equalsIgnoreCase(System.getProperty(Platform.PROPERTY,
            System.getenv().getOrDefault(Platform.ENVIRONMENT, "")).trim());
        if (forced)
            Assumptions.abort(NEEDS_LINUX_LAYER + what + " (" + platform + ")");
        require(false, "needs the Linux layer (" + what + "), and " + platform + " is in use");
    }

    /** @return whether the portable layer is in use, for tests that assert what it does instead */
    public static boolean portableLayer()
    {
        return !Platform.current().isLinux();
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
