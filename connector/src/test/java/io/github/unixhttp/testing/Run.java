package io.github.unixhttp.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a real program to completion, bounded in time, and keeps what it printed.
 */
public final class Run
{
    /** A second, unprivileged user for the tests: nobody/nogroup. */
    public static final int OTHER_UID = 65534;
    public static final int OTHER_GID = 65534;

    private Run()
    {
    }

    public record Result(int exitCode, String stdout, String stderr)
    {
        public Result requireSuccess()
        {
            if (exitCode != 0)
                throw new AssertionError("exit code " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr);
            return this;
        }
    }

    public static Result run(Duration timeout, String... command) throws IOException, InterruptedException
    {
        return run(timeout, List.of(command));
    }

    public static Result run(Duration timeout, List<String> command) throws IOException, InterruptedException
    {
        Path out = Files.createTempFile("unixhttp-run", ".out");
        Path err = Files.createTempFile("unixhttp-run", ".err");
        try
        {
            Process process = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
            {
                process.destroyForcibly().waitFor();
                throw new AssertionError("Timed out after " + timeout + ": " + command + "\nstdout: " +
                    Files.readString(out) + "\nstderr: " + Files.readString(err));
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        }
        finally
        {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /**
     * @return the command, run as {@link #OTHER_UID} with the given supplementary groups (none if empty)
     */
    public static List<String> asOtherUser(List<String> command, int... groups)
    {
        List<String> wrapped = new ArrayList<>(List.of("setpriv", "--reuid", Integer.toString(OTHER_UID),
            "--regid", Integer.toString(OTHER_GID)));
        if (groups.length == 0)
            wrapped.add("--clear-groups");
        else
        {
            StringBuilder list = new StringBuilder();
            for (int group : groups)
                list.append(list.length() == 0 ? "" : ",").append(group);
            wrapped.add("--groups");
            wrapped.add(list.toString());
        }
        wrapped.addAll(command);
        return wrapped;
    }

    /**
     * Makes a test directory reachable by the second user (JUnit creates them 0700).
     */
    public static Path openToOthers(Path dir) throws IOException
    {
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }
}
