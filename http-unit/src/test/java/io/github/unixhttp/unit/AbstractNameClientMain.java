package io.github.unixhttp.unit;

import java.net.ConnectException;
import java.nio.channels.SocketChannel;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.core.internal.nativeedge.NativeEdge;
import io.github.unixhttp.unit.apache.UnixHttpClients;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;

/**
 * Run in a JVM of its own by {@link AbstractNamesWithoutJvmFlagsTest}: which channel an abstract-name connection
 * gets, a request through the classic client, and how a name nothing listens on fails.
 */
public final class AbstractNameClientMain
{
    private AbstractNameClientMain()
    {
    }

    public static void main(String[] args) throws Exception
    {
        String name = args[0];
        try (SocketChannel channel = NativeEdge.connectAbstractName(name))
        {
            System.out.println("channel: " + (NativeEdge.needsNativeSelector(channel) ? "jnr" : "jdk"));
        }
        try (CloseableHttpClient client = UnixHttpClients.create(UnixSocketAddress.ofAbstractName(name)))
        {
            int status = client.execute(new HttpGet("http://localhost/info"), response -> response.getCode());
            System.out.println("status: " + status);
        }
        try
        {
            NativeEdge.connectAbstractName(name + "-missing").close();
            System.out.println("missing name: connected");
        }
        catch (ConnectException refused)
        {
            System.out.println("missing name: ConnectException");
        }
    }
}
