package io.github.unixhttp.jettyhome;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar $JETTY_HOME/start.jar} run in a jetty-base, as a user runs it, its output in a file. start.jar
 * forks a second JVM when a module has {@code [exec]} options: stopping stops both, SIGTERM first (Jetty then stops
 * gracefully and removes its socket), SIGKILL for whichever does not go.
 */
final class JettyProcess implements AutoCloseable
{
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final Process process;
    private final Path output;

    private JettyProcess(Process process, Path output)
    {
        this.process = process;
        this.output = output;
    }

    static JettyProcess start(Path jettyHome, Path jettyBase, String... args) throws IOException
    {
        Path output = Files.createTempFile(jettyBase, "jetty", ".log");
        List<String> command = new java.util.ArrayList<>(List.of(java(), "-jar", jettyHome.resolve("start.jar").toString(),
            "jetty.home=" + jettyHome, "jetty.base=" + jettyBase));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(jettyBase.toFile()).redirectErrorStream(true)
            .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        return new JettyProcess(process, output);
    }

    static String java()
    {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    String output() throws IOException
    {
        return Files.readString(output);
    }

    /** Waits until the output holds {@code text}; fails with the output if Jetty exits or the wait runs out. */
    String await(String text) throws Exception
    {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!output().contains(text))
        {
            if (!process.isAlive() || System.nanoTime() > deadline)
                throw new AssertionError("Jetty never logged '" + text + "'" + (process.isAlive() ? "" : " (it exited)") +
                    ":\n" + output());
            Thread.sleep(50);
        }
        return output();
    }

    /** Waits for Jetty to exit by itself (a failed start), and returns its exit code. */
    int exitCode() throws Exception
    {
        if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS))
            throw new AssertionError("Jetty did not exit:\n" + output());
        return process.exitValue();
    }

    /** SIGTERM to start.jar and the JVM it forked; then their exit, or SIGKILL after 15 seconds. */
    @Override
    public void close() throws Exception
    {
        List<ProcessHandle> all = new java.util.ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        for (ProcessHandle handle : all)
            handle.destroy();
        for (ProcessHandle handle : all)
        {
            try
            {
                handle.onExit().get(15, TimeUnit.SECONDS);
            }
            catch (java.util.concurrent.TimeoutException stuck)
            {
                handle.destroyForcibly();
                handle.onExit().get(10, TimeUnit.SECONDS);
            }
        }
    }
}
