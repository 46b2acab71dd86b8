package io.github.unixhttp.examples.embedded;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.connector.UnixSocketCustomizer;
import io.github.unixhttp.connector.policy.PeerPolicy;
import io.github.unixhttp.unit.ServerIdentityCheck;
import io.github.unixhttp.unit.UnixClientOptions;
import io.github.unixhttp.unit.apache.UnixHttpClients;
import io.github.unixhttp.unit.server.UnixHttpServer;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A desktop-style app that embeds HTTP: it serves its API on a private abstract socket that only its own user
 * may use (abstract: no file to clean up if it crashes), then talks to itself the way a second process of the
 * same app would, requiring the server to run as the same user.
 *
 * <pre>java -cp unixhttp-demo.jar io.github.unixhttp.examples.embedded.EmbeddedApp [@name | /path/to.sock]</pre>
 */
public final class EmbeddedApp
{
    private EmbeddedApp()
    {
    }

    public static void main(String[] args) throws Exception
    {
        UnixSocketAddress address = UnixSocketAddress.parse(args.length > 0 ? args[0] : "@unixhttp-embedded-" + ProcessHandle.current().pid());
        Handler api = new Handler.Abstract.NonBlocking()
        {
            @Override
            public boolean handle(Request request, Response response, Callback callback)
            {
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
                Content.Sink.write(response, true, "state: ready, asked by unix:" + UnixSocketCustomizer.peerOf(request) + "\n", callback);
                return true;
            }
        };
        try (UnixHttpServer server = UnixHttpServer.builder(address).handler(api)
                .peerPolicy(PeerPolicy.builder().allowSameUser().build()).start();
             CloseableHttpClient client = UnixHttpClients.custom(address,
                 UnixClientOptions.builder().serverIdentity(ServerIdentityCheck.sameUser()).build()).build())
        {
            String answer = client.execute(new HttpGet("http://localhost/state"), response -> EntityUtils.toString(response.getEntity()));
            System.out.println("served on unix:" + address + " and asked it: " + answer.strip());
        }
    }
}
