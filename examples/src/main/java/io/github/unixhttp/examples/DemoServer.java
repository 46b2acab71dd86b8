package io.github.unixhttp.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.connector.binding.SocketFileMode;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;

/**
 * The demo server: HTTP on a Unix socket that only the current user can reach.
 *
 * <pre>
 * java -jar examples/target/unixhttp-demo.jar [--socket PATH]
 * </pre>
 *
 * The default socket is {@code $XDG_RUNTIME_DIR/unixhttp-demo.sock}, else {@code unixhttp-demo.sock} in a private
 * 0700 directory under /tmp for the current user. SIGTERM or Ctrl-C stops it gracefully.
 */
public final class DemoServer
{
    private static final SocketFileMode MODE = SocketFileMode.of(0600);

    private DemoServer()
    {
    }

    public static void main(String[] args) throws Exception
    {
        Path socket;
        if (args.length == 2 && args[0].equals("--socket"))
            socket = Path.of(args[1]);
        else if (args.length == 0)
            socket = defaultSocket();
        else
        {
            System.err.println("usage: java -jar unixhttp-demo.jar [--socket PATH]");
            System.exit(2);
            return;
        }

        Server server = new Server();
        UnixSocketConnector connector = new UnixSocketConnector(server);
        connector.setSocketPath(socket);
        connector.setFileMode(MODE);
        server.addConnector(connector);
        server.setHandler(new Hello());
        server.setStopAtShutdown(true);
        server.setStopTimeout(10_000);
        try
        {
            server.start();
        }
        catch (Exception failure)
        {
            System.err.println("unixhttp-demo: " + failure.getMessage());
            server.stop();
            System.exit(1);
        }
        Path path = connector.getSocketPath().toAbsolutePath();
        System.out.println("listening on unix:" + path + " (mode " + MODE + ")");
        System.out.println("try: curl --unix-socket " + path + " http://localhost/");
        server.join();
    }

    static Path defaultSocket() throws Exception
    {
        String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
        if (runtimeDir != null && !runtimeDir.isBlank() && Files.isDirectory(Path.of(runtimeDir)))
            return Path.of(runtimeDir, "unixhttp-demo.sock");
        Path privateDir = Path.of("/tmp", "unixhttp-" + System.getProperty("user.name"));
        if (!Files.isDirectory(privateDir))
            Files.createDirectory(privateDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        if (!Files.getOwner(privateDir).getName().equals(System.getProperty("user.name")))
            throw new IllegalStateException(privateDir + " belongs to another user: pass --socket PATH");
        return privateDir.resolve("unixhttp-demo.sock");
    }

    private static final class Hello extends Handler.Abstract.NonBlocking
    {
        @Override
        public boolean handle(Request request, Response response, Callback callback)
        {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            Content.Sink.write(response, true, "Hello from unixhttp over " + Request.getLocalAddr(request) + "\n", callback);
            return true;
        }
    }
}
