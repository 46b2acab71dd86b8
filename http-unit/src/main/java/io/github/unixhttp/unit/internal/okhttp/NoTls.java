package io.github.unixhttp.unit.internal.okhttp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.X509TrustManager;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.unit.UnixRouteException;

/**
 * The OkHttp client's TLS: none. OkHttp layers its {@code SSLSocketFactory} over the connected socket for an
 * {@code https} URL; the socket carries plain HTTP, so this factory refuses with a {@link UnixRouteException} before
 * any byte of a handshake is written. {@link UnixRouteGuard} refuses an {@code https} request before anything is
 * connected; this catches what the guard does not see: a redirect to {@code https} when the application turned
 * {@code followSslRedirects} back on, or a URL an interceptor of its own changed to {@code https}.
 */
public final class NoTls extends SSLSocketFactory
{
    private final UnixSocketAddress address;

    public NoTls(UnixSocketAddress address)
    {
        this.address = address;
    }

    /** @return the trust manager OkHttp wants beside a socket factory: it trusts no certificate, and is never asked */
    public static X509TrustManager trustManager()
    {
        return TrustsNothing.INSTANCE;
    }

    @Override
    public Socket createSocket(Socket connected, String host, int port, boolean autoClose) throws IOException
    {
        throw UnixRouteGuard.refuseHttps(address, "https://" + host + (port == 443 ? "" : ":" + port) + "/");
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException
    {
        throw UnixRouteGuard.refuseHttps(address, "https://" + host + ":" + port + "/");
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException
    {
        throw UnixRouteGuard.refuseHttps(address, "https://" + host + ":" + port + "/");
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException
    {
        throw UnixRouteGuard.refuseHttps(address, "https://" + host.getHostAddress() + ":" + port + "/");
    }

    @Override
    public Socket createSocket(InetAddress host, int port, InetAddress localAddress, int localPort) throws IOException
    {
        throw UnixRouteGuard.refuseHttps(address, "https://" + host.getHostAddress() + ":" + port + "/");
    }

    @Override
    public String[] getDefaultCipherSuites()
    {
        return new String[0];
    }

    @Override
    public String[] getSupportedCipherSuites()
    {
        return new String[0];
    }

    @Override
    public String toString()
    {
        return "NoTls[unix:" + address + " carries plain HTTP]";
    }

    private enum TrustsNothing implements X509TrustManager
    {
        INSTANCE;

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException
        {
            throw new CertificateException("No TLS on a Unix socket client");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException
        {
            throw new CertificateException("No TLS on a Unix socket client");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers()
        {
            return new X509Certificate[0];
        }
    }
}
