package io.github.unixhttp.examples.spring;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The example's executable jar run as a user runs it, {@code java -jar app.jar --unixhttp.server...}, in its own
 * process with its output in a file. Closing stops it if it still runs: SIGTERM, then SIGKILL.
 */
final class BootProcess implements AutoCloseable
{
    static final Path JAR = Path.of(System.getProperty("unixhttp.springBootJar", "target/unixhttp-spring-boot-example.jar"));
    private static final Duration WAIT = Duration.ofSeconds(40);

    private final Process process;
    private final Path out;

    private BootProcess(Process process, Path out)
    {
        this.process = process;
        this.out = out;
    }

    static BootProcess start(Path workDir, String... args) throws IOException
    {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(workDir, "boot", ".out");
        Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
            .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        return new BootProcess(process, out);
    }

    String output() throws IOException
    {
        return Files.readString(out);
    }

    /** Waits until the output holds {@code text}; fails with the output if the process ends or the time runs out first. */
    String awaitOutput(String text) throws Exception
    {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!output().contains(text))
        {
            if (!process.isAlive() || System.nanoTime() > deadline)
                throw new AssertionError("never printed '" + text + "'\noutput:\n" + output());
            Thread.sleep(25);
        }
        return output();
    }

    int exitCode() throws Exception
    {
        if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS))
            throw new AssertionError("did not exit\noutput:\n" + output());
        return process.exitValue();
    }

    /** SIGTERM, as a supervisor stops a service; then the exit code. */
    int terminate() throws Exception
    {
        process.destroy();
        return exitCode();
    }

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
