package io.github.unixhttp.connector.internal.policy;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.regex.Pattern;

import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ProxyConnectionFactory;

/**
 * The addresses a PROXY protocol header gave a connection must be address literals. Jetty's v1 parser takes any word
 * ({@code PROXY TCP4 evil.example ...}) and makes an {@link InetSocketAddress} of it, so an application would see a
 * host name (or markup) as its client's address, in logs and in access decisions. Such a request is answered 400.
 */
public final class ProxiedAddresses
{
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private ProxiedAddresses()
    {
    }

    /**
     * @param endPoint the endpoint of the request's connection
     * @throws BadMessageException (400) if a PROXY header gave it an address that is not a literal
     */
    public static void requireLiterals(EndPoint endPoint)
    {
        if (!(endPoint instanceof ProxyConnectionFactory.ProxyEndPoint proxied))
            return;
        if (!isLiteral(proxied.getRemoteSocketAddress()) || !isLiteral(proxied.getLocalSocketAddress()))
            throw new BadMessageException(400, "The PROXY header gives a host name, not an address");
    }

    private static boolean isLiteral(SocketAddress address)
    {
        if (!(address instanceof InetSocketAddress inet))
            return true;
        String host = inet.getHostString();
        return IPV4.matcher(host).matches() || host.indexOf(':') >= 0 && IPV6.matcher(host).matches();
    }
}
