package consumer;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.unit.ServerIdentityCheck;
import io.github.unixhttp.unit.UnixClientOptions;
import io.github.unixhttp.unit.apache.UnixHttpClients;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * A user's first program with the clients alone (no server in this project: it names only unixhttp-unit and
 * httpclient5): asks a server on a socket file and one on an abstract name (both started by the test), with the
 * same-user identity check. Abstract names exist only through jnr, so the second request proves the native
 * libraries came with the published artifacts.
 */
public final class UnitConsumer
{
    public static void main(String[] args) throws Exception
    {
        UnixClientOptions options = UnixClientOptions.builder().serverIdentity(ServerIdentityCheck.sameUser()).build();
        for (String text : args)
        {
            UnixSocketAddress address = UnixSocketAddress.parse(text);
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
}
