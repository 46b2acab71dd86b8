package consumer;

import java.nio.file.Path;
import java.util.UUID;

import io.github.unixhttp.connector.UnixSocketAddress;
import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.unit.ServerIdentityCheck;
import io.github.unixhttp.unit.UnixClientOptions;
import io.github.unixhttp.unit.apache.UnixHttpClients;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;

/**
 * A user's first program with the unit: a Jetty server listening on a socket file and on an abstract name, each
 * asked once by Apache HttpClient over the unit, with the same-user identity check. Abstract names exist only
 * through jnr, so the second request proves the native libraries came with the published artifacts.
 */
public final class UnitConsumer
{
    public static void main(String[] args)
    {
        try
        {
            askOverEach(Path.of(args[0]));
        }
        catch (Throwable failure)
        {
            // Jetty's threads would keep the JVM alive: a failed start must still end the program.
            failure.printStackTrace();
            System.exit(1);
        }
    }

    private static void askOverEach(Path socket) throws Exception
    {
        String name = "unixhttp-consumer-" + UUID.randomUUID();
        Server server = new Server();
        UnixSocketConnector onPath = new UnixSocketConnector(server);
        onPath.setSocketPath(socket);
        UnixSocketConnector onName = new UnixSocketConnector(server);
        onName.setAddress(UnixSocketAddress.ofAbstractName(name));
        server.addConnector(onPath);
        server.addConnector(onName);
        server.setHandler(new Handler.Abstract()
        {
            @Override
            public boolean handle(Request request, Response response, Callback callback)
            {
                Content.Sink.write(response, true, "hello " + request.getHttpURI().getPath(), callback);
                return true;
            }
        });
        server.start();
        try
        {
            UnixClientOptions options = UnixClientOptions.builder().serverIdentity(ServerIdentityCheck.sameUser()).build();
            for (UnixSocketAddress address : new UnixSocketAddress[] {UnixSocketAddress.ofPath(socket), UnixSocketAddress.ofAbstractName(name)})
            {
                try (CloseableHttpClient client = UnixHttpClients.custom(address, options).build())
                {
                    String body = client.execute(new HttpGet("http://localhost/there"), response ->
                        response.getCode() + " " + EntityUtils.toString(response.getEntity()));
                    if (!body.equals("200 hello /there"))
                    {
                        System.out.println("unexpected answer over " + address + ": " + body);
                        System.exit(1);
                    }
                    System.out.println("consumer-unit ok over " + address + ": " + body);
                }
            }
        }
        finally
        {
            server.stop();
        }
    }
}
