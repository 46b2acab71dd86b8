package io.github.unixhttp.examples.javalin;

import java.nio.file.Path;

import io.github.unixhttp.connector.SocketFileOptions;
import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.connector.binding.SocketFileMode;
import io.github.unixhttp.core.PeerCredentials;
import io.github.unixhttp.connector.policy.PeerPolicy;
import io.javalin.Javalin;
import org.eclipse.jetty.server.HttpConnectionFactory;

/**
 * A Javalin 7 application on a Unix socket (the recipe of docs/javalin.md): the socket file 0660, only this user
 * admitted, each request's caller as the kernel reported it, and the socket removed when SIGTERM stops the JVM.
 *
 * <pre>java -cp ... io.github.unixhttp.examples.javalin.JavalinOnASocket /run/app/app.sock</pre>
 */
public final class JavalinOnASocket
{
    public static void main(String[] args)
    {
        Path socket = Path.of(args.length > 0 ? args[0] : "app.sock");
        Javalin app = Javalin.create(config ->
        {
            // A connector of our own: Javalin then adds no TCP connector.
            config.jetty.addConnector((server, httpConfiguration) ->
            {
                UnixSocketConnector connector = new UnixSocketConnector(server,
                    new HttpConnectionFactory(UnixSocketConnector.newHttpConfiguration(httpConfiguration)));
                connector.setSocketPath(socket);
                connector.setSocketFile(SocketFileOptions.builder().mode(SocketFileMode.parse("0660")).build());
                connector.setPeerPolicy(PeerPolicy.sameUser());
                return connector;
            });
            config.routes.get("/whoami", ctx ->
            {
                PeerCredentials peer = (PeerCredentials)ctx.req().getAttribute(PeerCredentials.ATTRIBUTE);
                // The user always; pid, uid and gid too when the JVM runs with --add-exports java.base/sun.nio.ch=ALL-UNNAMED.
                ctx.result(peer + "\n");
            });
        });
        // Javalin does not stop Jetty when the JVM is asked to exit: without this, SIGTERM leaves the socket file.
        Runtime.getRuntime().addShutdownHook(new Thread(app::stop, "javalin-stop"));
        app.start();
    }
}
