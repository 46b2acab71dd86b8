package consumer;

import java.io.ByteArrayOutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.core.PeerCredentials;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;

/**
 * A user's first program: a Jetty server on a socket file, asked once by a plain JDK client. The answer names the
 * client's pid, which only the native edge (jnr and jffi's native library) can read: so the program proves the
 * published artifacts bring everything they need at run time, not just at compile time.
 */
public final class ConnectorConsumer
{
    public static void main(String[] args)
    {
        try
        {
            askOnce(Path.of(args[0]));
        }
        catch (Throwable failure)
        {
            // Jetty's threads would keep the JVM alive: a failed start must still end the program.
            failure.printStackTrace();
            System.exit(1);
        }
    }

    private static void askOnce(Path socket) throws Exception
    {
        Server server = new Server();
        UnixSocketConnector connector = new UnixSocketConnector(server);
        connector.setSocketPath(socket);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract()
        {
            @Override
            public boolean handle(Request request, Response response, Callback callback)
            {
                Content.Sink.write(response, true, "pid=" + request.getAttribute(PeerCredentials.PID_ATTRIBUTE), callback);
                return true;
            }
        });
        server.start();
        String answer;
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket)))
        {
            channel.write(ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (channel.read(buffer) >= 0)
            {
                received.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            answer = received.toString(StandardCharsets.US_ASCII);
        }
        finally
        {
            server.stop();
        }
        String expected = "pid=" + ProcessHandle.current().pid();
        if (!answer.startsWith("HTTP/1.1 200 ") || !answer.endsWith("\r\n\r\n" + expected))
        {
            System.out.println("unexpected answer (wanted 200 and " + expected + "):\n" + answer);
            System.exit(1);
        }
        System.out.println("consumer-connector ok: " + expected);
    }
}
