package io.github.unixhttp.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ServeMain} in a separate JVM, optionally as the second user or under a given umask. Lines it prints are
 * read one at a time; closing stdin asks it to stop.
 */
public final class ChildJvm implements AutoCloseable
{
    private static final long LINE_WAIT_SECONDS = 120;
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(runnable ->
    {
        Thread thread = new Thread(runnable, "child-jvm-watchdog");
        thread.setDaemon(true);
        return thread;
    });
    private static String sharedClassPath;

    private final Process process;
    private final BufferedReader stdout;
    private final Path stderr;

    private ChildJvm(Process process, Path stderr)
    {
        this.process = process;
        this.stderr = stderr;
        this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /**
     * @param asOtherUser run as {@link Run#OTHER_UID} (needs root); the class path is then copied where that user can read it
     * @param umask the octal umask to start under, or null to inherit
     */
    public static ChildJvm start(boolean asOtherUser, String umask, String... args) throws IOException
    {
        return start(asOtherUser, umask, true, args);
    }

    /**
     * @param nativeEdge whether to give the JVM the options that unlock full peer credentials
     */
    public static ChildJvm start(boolean asOtherUser, String umask, boolean nativeEdge, String... args) throws IOException
    {
        List<String> java = javaCommand(nativeEdge, asOtherUser ? readableClassPath() : System.getProperty("java.class.path"), args);
        List<String> command = asOtherUser ? Run.asOtherUser(java) : java;
        if (umask != null)
        {
            List<String> shell = new ArrayList<>(List.of("sh", "-c", "umask " + umask + " && exec \"$@\"", "sh"));
            shell.addAll(command);
            command = shell;
        }
        Path stderr = Files.createTempFile("unixhttp-child", ".err");
        Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        return new ChildJvm(process, stderr);
    }

    /**
     * Starts it (as this user, with the native edge) with {@code environment} on top of this JVM's; a {@code null}
     * value removes the variable: {@code LC_ALL=C} and no {@code LANG}, say, for a container's locale.
     */
    public static ChildJvm startWithEnvironment(java.util.Map<String, String> environment, String... args) throws IOException
    {
        ProcessBuilder builder = new ProcessBuilder(javaCommand(args));
        change(builder.environment(), environment);
        Path stderr = Files.createTempFile("unixhttp-child", ".err");
        Process process = builder.redirectError(stderr.toFile()).start();
        return new ChildJvm(process, stderr);
    }

    /** Puts {@code changes} into {@code environment}; a {@code null} value removes the variable. */
    public static void change(java.util.Map<String, String> environment, java.util.Map<String, String> changes)
    {
        changes.forEach((name, value) ->
        {
            if (value == null)
                environment.remove(name);
            else
                environment.put(name, value);
        });
    }

    /**
     * Starts it with at most {@code maxOpenFiles} descriptors ({@code ulimit -n}), to see how it copes with running out.
     */
    public static ChildJvm startWithFileLimit(int maxOpenFiles, String... args) throws IOException
    {
        List<String> command = new ArrayList<>(List.of("sh", "-c", "ulimit -n " + maxOpenFiles + " && exec \"$@\"", "sh"));
        command.addAll(javaCommand(args));
        Path stderr = Files.createTempFile("unixhttp-child", ".err");
        Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        return new ChildJvm(process, stderr);
    }

    /**
     * @return the command line that runs {@link ServeMain} with {@code args}, for tests that start it under a
     *         supervisor themselves
     */
    public static List<String> javaCommand(boolean nativeEdge, String classPath, String... args)
    {
        List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.log.io.github.unixhttp=info"));
        if (nativeEdge)
        {
            java.add("--add-exports=java.base/sun.nio.ch=ALL-UNNAMED");
            if (Runtime.version().feature() >= 22)
                java.add("--enable-native-access=ALL-UNNAMED");
        }
        java.addAll(List.of("-cp", classPath, ServeMain.class.getName()));
        java.addAll(List.of(args));
        return java;
    }

    public static List<String> javaCommand(String... args)
    {
        return javaCommand(true, System.getProperty("java.class.path"), args);
    }

    /**
     * @return the next line it prints; if none comes within {@link #LINE_WAIT_SECONDS}, it is killed (a read from
     *         a pipe cannot be interrupted) and this says it exited, so that a hung child fails the test rather
     *         than hanging the build
     */
    public String readLine() throws IOException
    {
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(process::destroyForcibly, LINE_WAIT_SECONDS, TimeUnit.SECONDS);
        try
        {
            String line = stdout.readLine();
            return line == null ? "<exited with " + exitCodeSoon() + ">" : line;
        }
        finally
        {
            watchdog.cancel(false);
        }
    }

    public void send(String line) throws IOException
    {
        process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    /** What it wrote to standard error so far. */
    public String stderr() throws IOException
    {
        return Files.readString(stderr);
    }

    public long pid()
    {
        return process.pid();
    }

    /** Stops it the hard way, as {@code kill -9} would. */
    public void kill() throws InterruptedException
    {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Closes its stdin, which asks it to stop, and waits for its exit code. */
    public int stop() throws IOException, InterruptedException
    {
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            throw new AssertionError("child JVM " + process.pid() + " did not stop within 30 s");
        }
        return process.exitValue();
    }

    private int exitCodeSoon()
    {
        try
        {
            return process.waitFor(10, TimeUnit.SECONDS) ? process.exitValue() : -1;
        }
        catch (InterruptedException e)
        {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public void close() throws InterruptedException, IOException
    {
        if (process.isAlive())
        {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS))
                kill();
        }
        Files.deleteIfExists(stderr);
    }

    /** The build's class path lives under root's home, which the second user cannot read: copy it once. */
    private static synchronized String readableClassPath() throws IOException
    {
        if (sharedClassPath == null)
        {
            Path dir = Files.createTempDirectory("unixhttp-cp");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            List<String> entries = new ArrayList<>();
            int index = 0;
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator))
            {
                Path source = Path.of(entry);
                Path target = dir.resolve((index++) + "-" + source.getFileName());
                copyReadable(source, target);
                entries.add(target.toString());
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
            sharedClassPath = String.join(File.pathSeparator, entries);
        }
        return sharedClassPath;
    }

    private static void copyReadable(Path source, Path target) throws IOException
    {
        if (Files.isDirectory(source))
        {
            try (var walk = Files.walk(source))
            {
                for (Path path : (Iterable<Path>)walk::iterator)
                {
                    Path copy = target.resolve(source.relativize(path).toString());
                    if (Files.isDirectory(path))
                        Files.createDirectories(copy);
                    else
                        Files.copy(path, copy, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString(Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
        else if (Files.exists(source))
        {
            Files.copy(source, target);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    static void deleteTree(Path dir)
    {
        try (var walk = Files.walk(dir))
        {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        catch (IOException ignored)
        {
            // best effort at exit
        }
    }
}
