package io.github.unixhttp.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A benchmarked server in a fresh process: a {@link BenchServer} JVM (optionally under a supervisor), or nginx.
 */
final class ServerProcess implements AutoCloseable
{
    static final String JVM_OPTIONS_PROPERTY = "unixhttp.bench.jvmOptions";

    private final Process process;
    private final String description;

    private ServerProcess(Process process, String description)
    {
        this.process = process;
        this.description = description;
    }

    /**
     * @param prefix a supervisor command to run the JVM under (s6-ipcserver-socketbinder ...), or empty
     */
    static ServerProcess startJvm(List<String> prefix, BenchServer.Kind kind, String address, boolean nonBlocking) throws Exception
    {
        return startJvm(prefix, kind + " " + address, BenchServer.class.getName(), kind.name(), address, nonBlocking ? "nonblocking" : "blocking");
    }

    /**
     * The options every server JVM gets ({@code --jvm-options}): none by default, so each server runs in its JVM's
     * defaults (heap, collector), as an application embedding it would; the same for every server of a run.
     */
    static List<String> benchJvmOptions()
    {
        String options = System.getProperty(JVM_OPTIONS_PROPERTY, "").strip();
        return options.isEmpty() ? List.of() : List.of(options.split("\\s+"));
    }

    /** Any main class of this jar in a fresh JVM, which prints "READY" once it serves. */
    static ServerProcess startJvm(List<String> prefix, String description, String mainClass, String... args) throws Exception
    {
        return startJvm(prefix, List.of(), description, mainClass, args);
    }

    /** The same, with more JVM options (a profiler's, say). */
    static ServerProcess startJvm(List<String> prefix, List<String> jvmOptions, String description, String mainClass, String... args) throws Exception
    {
        List<String> command = new ArrayList<>(CorePinning.server());
        command.addAll(prefix);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED"));
        command.addAll(benchJvmOptions());
        command.addAll(jvmOptions);
        if (Runtime.version().feature() >= 22)
            command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        ServerProcess server = new ServerProcess(process, description);
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream()));
        String line = out.readLine();
        if (!"READY".equals(line))
        {
            server.close();
            throw new IllegalStateException(server.description + " did not start: " + line);
        }
        return server;
    }

    /** nginx answering the same 13 bytes on a Unix socket, in the foreground, from a config under {@code dir}. */
    static ServerProcess startNginx(Path dir, Path socket) throws Exception
    {
        String config = String.join("\n",
            "worker_processes 1;", "daemon off;", "pid " + dir.resolve("nginx.pid") + ";", "error_log stderr error;",
            "events { worker_connections 4096; }",
            "http {", "  access_log off;", "  default_type text/plain;",
            "  client_body_temp_path " + dir + "/cb; proxy_temp_path " + dir + "/px; fastcgi_temp_path " + dir + "/fc;",
            "  uwsgi_temp_path " + dir + "/uw; scgi_temp_path " + dir + "/sc;",
            "  server { listen unix:" + socket + " backlog=1024; location / { return 200 \"hello, world\\n\"; } }",
            "}", "");
        Path file = Files.writeString(dir.resolve("nginx.conf"), config);
        List<String> command = new ArrayList<>(CorePinning.server());
        command.addAll(List.of("nginx", "-p", dir.toString(), "-c", file.toString()));
        Process process = new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.INHERIT).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        ServerProcess server = new ServerProcess(process, "nginx " + socket);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(socket))
        {
            if (!process.isAlive() || System.nanoTime() > deadline)
            {
                server.close();
                throw new IllegalStateException("nginx did not start on " + socket);
            }
            Thread.sleep(20);
        }
        return server;
    }

    /**
     * nginx as a reverse proxy on loopback TCP in front of an app: {@code upstream} is {@code unix:/path} or
     * {@code 127.0.0.1:port}. With {@code keepAlive} false it is nginx's default proxy configuration (HTTP/1.0 to
     * the app, a new upstream connection per request); with it true, the usual upstream keep-alive recipe
     * ({@code keepalive} in the upstream block, HTTP/1.1 and an empty Connection header).
     */
    static ServerProcess startNginxProxy(Path dir, int port, String upstream, boolean keepAlive) throws Exception
    {
        String config = String.join("\n",
            // Workers run as the bench's user, as a deployment's proxy is given access to the app's socket (when the
            // bench runs as root, nginx would otherwise switch to nobody; otherwise the directive is ignored).
            "user " + System.getProperty("user.name") + ";",
            "worker_processes 1;", "daemon off;", "pid " + dir.resolve("nginx.pid") + ";", "error_log stderr error;",
            "events { worker_connections 4096; }",
            "http {", "  access_log off;",
            "  client_body_temp_path " + dir + "/cb; proxy_temp_path " + dir + "/px; fastcgi_temp_path " + dir + "/fc;",
            "  uwsgi_temp_path " + dir + "/uw; scgi_temp_path " + dir + "/sc;",
            "  upstream app { server " + upstream + ";" + (keepAlive ? " keepalive 64;" : "") + " }",
            "  server { listen 127.0.0.1:" + port + " backlog=1024; location / { proxy_pass http://app;" +
                (keepAlive ? " proxy_http_version 1.1; proxy_set_header Connection \"\";" : "") + " } }",
            "}", "");
        Path file = Files.writeString(dir.resolve("nginx.conf"), config);
        // nginx in front is part of the load: it runs where h2load does.
        List<String> command = new ArrayList<>(CorePinning.load());
        command.addAll(List.of("nginx", "-p", dir.toString(), "-c", file.toString()));
        Process process = new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.INHERIT).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        ServerProcess server = new ServerProcess(process, "nginx proxy on " + port + " to " + upstream);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!listening(port))
        {
            if (!process.isAlive() || System.nanoTime() > deadline)
            {
                server.close();
                throw new IllegalStateException("nginx did not start on port " + port);
            }
            Thread.sleep(20);
        }
        return server;
    }

    private static boolean listening(int port)
    {
        try (java.net.Socket probe = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port))
        {
            return true;
        }
        catch (IOException notYet)
        {
            return false;
        }
    }

    long pid()
    {
        return process.pid();
    }

    /** CPU time the process has used so far, user and system, in nanoseconds (clock ticks of 10 ms). */
    CpuTime cpuTime() throws IOException
    {
        String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
        // Fields after the command name (which may hold spaces, hence the last ')'): utime is the 14th, stime the 15th.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long tick = 10_000_000L;
        return new CpuTime(Long.parseLong(fields[11]) * tick, Long.parseLong(fields[12]) * tick);
    }

    /** User and system CPU time, in nanoseconds. */
    record CpuTime(long userNanos, long systemNanos)
    {
        CpuTime minus(CpuTime earlier)
        {
            return new CpuTime(userNanos - earlier.userNanos, systemNanos - earlier.systemNanos);
        }
    }

    /** Resident memory of the server process, in bytes. */
    long residentBytes() throws IOException
    {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")))
        {
            if (line.startsWith("VmRSS:"))
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
        throw new IOException("no VmRSS for " + description);
    }

    @Override
    public void close() throws InterruptedException
    {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
