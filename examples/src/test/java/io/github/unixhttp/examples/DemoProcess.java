package io.github.unixhttp.examples;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.testing.Run;

/**
 * The demo jar run as a user runs it: {@code java -jar unixhttp-demo.jar ...}, in its own process, its output in
 * files. Close kills it if it is still running.
 */
public final class DemoProcess implements AutoCloseable
{
    public static final Path JAR = Path.of(System.getProperty("unixhttp.demoJar", "target/unixhttp-demo.jar"));
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final Process process;
    private final Path out;
    private final Path err;

    private DemoProcess(Process process, Path out, Path err)
    {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    public static DemoProcess start(Path workDir, String... args) throws IOException
    {
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return start(workDir, command, Map.of());
    }

    /** Starts the demo with extra environment. */
    public static DemoProcess start(Path workDir, Map<String, String> environment, String... args) throws IOException
    {
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return start(workDir, command, environment);
    }

    /**
     * Starts the demo as {@link Run#OTHER_UID} (needs root), from a copy of the jar in {@code workDir}, which that
     * user must be able to enter (the build's own directory may be out of its reach).
     */
    public static DemoProcess startAsOtherUser(Path workDir, String... args) throws IOException
    {
        Path jar = workDir.resolve("unixhttp-demo.jar");
        if (!Files.exists(jar))
        {
            Files.copy(JAR, jar);
            Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        }
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        return start(workDir, Run.asOtherUser(command), Map.of());
    }

    /** Starts any command (a supervisor wrapping the demo, say) with extra environment. */
    public static DemoProcess start(Path workDir, List<String> command, Map<String, String> environment) throws IOException
    {
        Path out = Files.createTempFile(workDir, "demo", ".out");
        Path err = Files.createTempFile(workDir, "demo", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(environment);
        // The demo's default socket would be per user; tests always say where.
        builder.environment().remove("XDG_RUNTIME_DIR");
        return new DemoProcess(builder.start(), out, err);
    }

    public static String javaExecutable()
    {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public long pid()
    {
        return process.pid();
    }

    public boolean isAlive()
    {
        return process.isAlive();
    }

    public String output() throws IOException
    {
        return Files.readString(out);
    }

    public String errors() throws IOException
    {
        return Files.readString(err);
    }

    /** Waits until standard output holds {@code text}; fails with both outputs if the process ends first. */
    public String awaitOutput(String text) throws Exception
    {
        return await(out, text);
    }

    /** Waits until standard error holds {@code text} (where supervisors log); fails as {@link #awaitOutput} does. */
    public String awaitErrors(String text) throws Exception
    {
        return await(err, text);
    }

    private String await(Path file, String text) throws Exception
    {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!Files.readString(file).contains(text))
        {
            if (!process.isAlive() || System.nanoTime() > deadline)
                throw new AssertionError("never printed '" + text + "'\nstdout: " + output() + "\nstderr: " + errors());
            Thread.sleep(25);
        }
        return Files.readString(file);
    }

    public int exitCode() throws Exception
    {
        if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS))
            throw new AssertionError("did not exit\nstdout: " + output() + "\nstderr: " + errors());
        return process.exitValue();
    }

    /** SIGTERM, as a supervisor stops a service; then the exit code. */
    public int terminate() throws Exception
    {
        process.destroy();
        return exitCode();
    }

    /**
     * Stops it if it still runs: SIGTERM first, so that a supervisor or nginx's master takes its children down with
     * it (SIGKILL on the master alone leaves nginx's workers behind), then SIGKILL.
     */
    @Override
    public void close() throws Exception
    {
        if (!process.isAlive())
            return;
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
