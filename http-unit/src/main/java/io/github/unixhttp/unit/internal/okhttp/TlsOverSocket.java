package io.github.unixhttp.unit.internal.okhttp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.unit.UnixRouteException;
import io.github.unixhttp.unit.UnixTls;

/**
 * The OkHttp client's TLS when it was given {@link UnixTls}: layered over the connected socket for the TLS's server
 * name, whatever the URL's host, with the certificate checked for that name by the JDK during the handshake
 * ({@link UnixTls#layer}); its {@link #hostnameVerifier()} then only confirms that the session is for that name.
 * What would open a socket of its own (over TCP) is refused.
 */
public final class TlsOverSocket extends SSLSocketFactory
{
    private final UnixSocketAddress address;
    private final UnixTls tls;

    public TlsOverSocket(UnixSocketAddress address, UnixTls tls)
    {
        this.address = address;
        this.tls = tls;
    }

    @Override
    public Socket createSocket(Socket connected, String host, int port, boolean autoClose) throws IOException
    {
        // The TLS socket always closes the connected one: OkHttp asks for that, and a socket is never reused bare.
        return tls.layer(connected);
    }

    /**
     * @return the check OkHttp makes after the handshake: the session is for the TLS's server name (whose certificate
     *         the handshake checked), never for the URL's host, which over a socket names no machine
     */
    public HostnameVerifier hostnameVerifier()
    {
        return new HostnameVerifier()
        {
            @Override
            public boolean verify(String urlHost, SSLSession session)
            {
                return tls.serverName().equalsIgnoreCase(session.getPeerHost());
            }

            @Override
            public String toString()
            {
                return "the certificate checked for " + tls.serverName() + " in the handshake";
            }
        };
    }

    /**
     * @return the trust manager OkHttp wants beside the factory (it cleans certificate chains with it, for pinning): the
     *         one {@link UnixTls#trusting} built, else the JVM's default; the handshake uses the TLS context's own
     */
    public X509TrustManager trustManager()
    {
        if (tls.trustManager() != null)
            return tls.trustManager();
        try
        {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore)null);
            for (TrustManager manager : factory.getTrustManagers())
            {
                if (manager instanceof X509TrustManager x509)
                    return x509;
            }
        }
        catch (GeneralSecurityException unavailable)
        {
            throw new IllegalStateException("The JVM's default trust manager cannot be had for OkHttp: " + unavailable, unavailable);
        }
        throw new IllegalStateException("The JVM has no default X.509 trust manager for OkHttp");
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException
    {
        throw refuseOwnSocket(host);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException
    {
        throw refuseOwnSocket(host);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException
    {
        throw refuseOwnSocket(host.getHostAddress());
    }

    @Override
    public Socket createSocket(InetAddress host, int port, InetAddress localAddress, int localPort) throws IOException
    {
        throw refuseOwnSocket(host.getHostAddress());
    }

    private UnixRouteException refuseOwnSocket(String host)
    {
        return new UnixRouteException("Refusing to open a TLS socket of its own to " + host + ": this client runs TLS only " +
            "over unix:" + address + ", never over TCP");
    }

    @Override
    public String[] getDefaultCipherSuites()
    {
        return tls.context().getSocketFactory().getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites()
    {
        return tls.context().getSocketFactory().getSupportedCipherSuites();
    }

    @Override
    public String toString()
    {
        return "TlsOverSocket[unix:" + address + ", " + tls + "]";
    }
}
