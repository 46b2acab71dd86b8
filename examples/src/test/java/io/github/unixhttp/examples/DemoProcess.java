package io.github.unixhttp.examples;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.unixhttp.testing.ChildProcess;
import io.github.unixhttp.testing.Run;

/**
 * The demo jar run as a user runs it: {@code java -jar unixhttp-demo.jar ...}, in its own process, its standard output
 * and error in files of their own.
 */
public final class DemoProcess extends ChildProcess
{
    public static final Path JAR = Path.of(System.getProperty("unixhttp.demoJar", "target/unixhttp-demo.jar"));

    private DemoProcess(ProcessBuilder builder, Path workDir) throws IOException
    {
        super(builder, workDir);
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
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        // The demo's default socket would be per user; tests always say where.
        builder.environment().remove("XDG_RUNTIME_DIR");
        return new DemoProcess(builder, workDir);
    }

    public static String javaExecutable()
    {
        return java();
    }

    /**
     * Polls {@code url} over TCP with curl until it answers 2xx, for a proxy started in front of a demo.
     *
     * @param process the proxy (or server) answering it: its death or the timeout fails the wait, with its stderr
     * @return the answer's body
     */
    static String awaitHttp(String url, ChildProcess process, Duration timeout) throws Exception
    {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true)
        {
            Run.Result result = Run.run(timeout, "curl", "-sS", "--fail", url);
            if (result.exitCode() == 0)
                return result.stdout();
            if (!process.isAlive() || System.nanoTime() > deadline)
                throw new AssertionError("no answer from " + url + ": " + result.stderr() + "\nstderr: " + process.errors());
            Thread.sleep(100);
        }
    }

    /** @return a loopback TCP port free a moment ago, for a proxy to listen on */
    static int freeLoopbackPort() throws IOException
    {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            return probe.getLocalPort();
        }
    }
}
