package io.github.unixhttp.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A program run as a user runs it (the demo jar, a Spring Boot or Dropwizard application, Jetty's start.jar), in its
 * own process, with no input and its output in files that can be read while it runs. Closing stops it and whatever
 * it started (start.jar's forked JVM, a supervisor's child, nginx's workers) if still running: SIGTERM first, so
 * that each stops as it would under a supervisor, then SIGKILL for whatever has not gone.
 */
public class ChildProcess implements AutoCloseable
{
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration TERM_GRACE = Duration.ofSeconds(20);

    private final Process process;
    private final Path out;
    private final Path err;

    /**
     * Starts {@code builder}'s command (its directory and environment as given) with standard output and error in
     * files under {@code logDir}; with {@link ProcessBuilder#redirectErrorStream(boolean)} set, both in the output.
     */
    protected ChildProcess(ProcessBuilder builder, Path logDir) throws IOException
    {
        this.out = Files.createTempFile(logDir, "child", ".out");
        this.err = Files.createTempFile(logDir, "child", ".err");
        builder.redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (!builder.redirectErrorStream())
            builder.redirectError(err.toFile());
        this.process = builder.start();
    }

    /** @see #ChildProcess(ProcessBuilder, Path) */
    public static ChildProcess start(ProcessBuilder builder, Path logDir) throws IOException
    {
        return new ChildProcess(builder, logDir);
    }

    /** @return the {@code java} of the JVM running the tests */
    public static String java()
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

    /** @return what it printed on standard output so far (and on standard error, if the builder merged them) */
    public String output() throws IOException
    {
        return Files.readString(out);
    }

    /** @return what it printed on standard error so far (empty if the builder merged it into the output) */
    public String errors() throws IOException
    {
        return Files.readString(err);
    }

    /** Waits until the output holds {@code text}; fails with both outputs if the process ends or the wait runs out. */
    public String awaitOutput(String text) throws Exception
    {
        return await(out, text);
    }

    /** Waits until standard error holds {@code text}; fails as {@link #awaitOutput} does. */
    public String awaitErrors(String text) throws Exception
    {
        return await(err, text);
    }

    private String await(Path file, String text) throws Exception
    {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!Files.readString(file).contains(text))
        {
            // Read once more after seeing it dead: it may have printed the text just before it exited.
            if ((!process.isAlive() && !Files.readString(file).contains(text)) || System.nanoTime() > deadline)
                throw new AssertionError("never printed '" + text + "'" + (process.isAlive() ? "" : " (it exited)") + described());
            Thread.sleep(25);
        }
        return Files.readString(file);
    }

    /** Waits for it to exit by itself (a failed start, a stop it was asked for), and returns its exit code. */
    public int exitCode() throws Exception
    {
        if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS))
            throw new AssertionError("did not exit" + described());
        return process.exitValue();
    }

    /** SIGTERM, as a supervisor stops a service; then the exit code. */
    public int terminate() throws Exception
    {
        process.destroy();
        return exitCode();
    }

    private String described() throws IOException
    {
        String errors = errors();
        return "\noutput:\n" + output() + (errors.isEmpty() ? "" : "\nstderr:\n" + errors);
    }

    @Override
    public void close() throws Exception
    {
        // Found before the signal: once the parent is gone, its children are no longer its descendants.
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        for (ProcessHandle handle : all)
            handle.destroy();
        for (ProcessHandle handle : all)
        {
            try
            {
                handle.onExit().get(TERM_GRACE.toSeconds(), TimeUnit.SECONDS);
            }
            catch (TimeoutException stuck)
            {
                handle.destroyForcibly();
                handle.onExit().get(10, TimeUnit.SECONDS);
            }
        }
    }
}
