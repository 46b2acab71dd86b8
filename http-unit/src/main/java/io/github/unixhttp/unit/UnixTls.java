package io.github.unixhttp.unit;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS over the socket, for {@code https} URLs: off unless asked for (a client without it refuses {@code https}, since
 * the socket itself never leaves the machine and its file's permissions and the server identity check protect it).
 * Useful for mutual TLS between local services, or to reach a server that speaks only TLS.
 * <p>
 * The server's certificate is checked against {@linkplain #serverName() the name given here}, never against the URL's
 * host: over a socket the URL's host names no machine (it is often {@code localhost}), so it could not say which
 * certificate is the right one. That name is also the one sent in SNI.
 *
 * <pre>{@code
 * UnixClientOptions options = UnixClientOptions.builder()
 *     .tls(UnixTls.trusting(Path.of("/etc/app/ca.pem"), "app.internal"))   // or UnixTls.of(sslContext, "app.internal")
 *     .build();
 * }</pre>
 */
public final class UnixTls
{
    /** The port TLS is told it talks to: a socket has none, and no certificate check looks at it. */
    private static final int NO_PORT = 443;

    private final SSLContext context;
    private final String serverName;
    private final X509TrustManager trustManager;

    private UnixTls(SSLContext context, String serverName, X509TrustManager trustManager)
    {
        this.trustManager = trustManager;
        this.context = Objects.requireNonNull(context, "context");
        Objects.requireNonNull(serverName, "serverName");
        this.serverName = serverName.toLowerCase(Locale.ROOT);
        try
        {
            if (serverName.isBlank() || serverName.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '[' || c == ']'))
                throw new IllegalArgumentException("not a host name");
            sniFor(this.serverName);
        }
        catch (IllegalArgumentException invalid)
        {
            throw new IllegalArgumentException("The server name must be the DNS name (or IP address, without brackets) the " +
                "server's certificate is for, such as app.internal, not '" + serverName + "'", invalid);
        }
    }

    /**
     * TLS with a context of your own. The name is checked as HTTPS endpoint identification does it: by the JDK for a
     * plain {@code X509TrustManager}, but by the trust manager itself for an {@code X509ExtendedTrustManager}, and one
     * of those that accepts every certificate (the "trust all" kind written for tests) accepts every name too: then
     * nothing checks which server answered. Give a context that trusts only the server's certificate or its CA
     * ({@link #trusting} builds one).
     *
     * @param context    the TLS context: its trust managers decide which certificates are trusted, its key managers (if any)
     *                   give the client's own certificate for mutual TLS
     * @param serverName the name the server's certificate must be for (and the SNI name sent)
     */
    public static UnixTls of(SSLContext context, String serverName)
    {
        return new UnixTls(context, serverName, null);
    }

    /**
     * TLS trusting only the certificates in a PEM file: the server's own (self-signed) or the CA that signed it, the
     * usual case between local services. The JVM's default trust store is not used.
     *
     * @throws IllegalArgumentException if the file cannot be read or holds no certificate, naming the file
     */
    public static UnixTls trusting(Path pemCertificates, String serverName)
    {
        try (InputStream in = Files.newInputStream(pemCertificates))
        {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty())
                throw new IllegalArgumentException(pemCertificates + " holds no certificate: give a PEM file with the server's " +
                    "certificate or its CA's (-----BEGIN CERTIFICATE-----)");
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int index = 0;
            for (Certificate certificate : certificates)
                trusted.setCertificateEntry("trusted-" + index++, certificate);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            X509TrustManager x509 = null;
            for (TrustManager manager : trust.getTrustManagers())
            {
                if (manager instanceof X509TrustManager found)
                    x509 = found;
            }
            return new UnixTls(context, serverName, x509);
        }
        catch (IOException unreadable)
        {
            throw new IllegalArgumentException("Cannot read the certificates to trust from " + pemCertificates + ": " + unreadable, unreadable);
        }
        catch (GeneralSecurityException invalid)
        {
            throw new IllegalArgumentException(pemCertificates + " does not hold X.509 certificates in PEM: " + invalid.getMessage(), invalid);
        }
    }

    /** @return the TLS context */
    public SSLContext context()
    {
        return context;
    }

    /**
     * @return the trust manager of a TLS made by {@link #trusting}, or {@code null} for one made {@link #of} a context
     *         (OkHttp wants one beside its socket factory, to clean certificate chains for pinning: it then gets the JVM's
     *         default; the handshake always uses the context's own)
     */
    public X509TrustManager trustManager()
    {
        return trustManager;
    }

    /** @return the name the server's certificate is checked against, lower case */
    public String serverName()
    {
        return serverName;
    }

    /**
     * Runs TLS over a connected socket, checking the server's certificate against {@link #serverName()} during the
     * handshake, which completes before this returns.
     *
     * @param connected        the socket, closed with the TLS socket returned
     * @param handshakeTimeout how long the handshake may take (zero: as long as it takes)
     * @throws IOException if the handshake fails (an untrusted certificate, one for another name, a server not speaking
     *                     TLS); the socket is then closed
     */
    public SSLSocket handshake(Socket connected, Duration handshakeTimeout) throws IOException
    {
        SSLSocket tls = layer(connected);
        try
        {
            int readTimeout = tls.getSoTimeout();
            tls.setSoTimeout((int)Math.min(Integer.MAX_VALUE, handshakeTimeout.toMillis()));
            tls.startHandshake();
            tls.setSoTimeout(readTimeout);
            return tls;
        }
        catch (IOException failed)
        {
            tls.close();
            throw failed;
        }
    }

    /**
     * @return a TLS socket over {@code connected} that checks the server's certificate against {@link #serverName()}
     *         when it shakes hands (the caller starts it), closing {@code connected} when closed
     */
    public SSLSocket layer(Socket connected) throws IOException
    {
        SSLSocket tls = (SSLSocket)context.getSocketFactory().createSocket(connected, serverName, NO_PORT, true);
        try
        {
            tls.setSSLParameters(checking(tls.getSSLParameters()));
        }
        catch (IllegalArgumentException | UnsupportedOperationException refused)
        {
            tls.close();
            throw new SocketException("Cannot set up TLS for " + serverName + ": " + refused.getMessage());
        }
        return tls;
    }

    /** @return an engine for {@link #serverName()} that checks the server's certificate against it */
    public SSLEngine newEngine()
    {
        SSLEngine engine = context.createSSLEngine(serverName, NO_PORT);
        engine.setUseClientMode(true);
        engine.setSSLParameters(checking(engine.getSSLParameters()));
        return engine;
    }

    /** Endpoint identification as HTTPS does it (RFC 2818), against the server name, which is also sent in SNI. */
    private SSLParameters checking(SSLParameters parameters)
    {
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        List<SNIServerName> sni = sniFor(serverName);
        if (!sni.isEmpty())
            parameters.setServerNames(sni);
        return parameters;
    }

    /**
     * An IP address is checked as one, and sent in no SNI (which carries only DNS names).
     *
     * @throws IllegalArgumentException if the name is no valid DNS name
     */
    private static List<SNIServerName> sniFor(String serverName)
    {
        if (serverName.indexOf(':') >= 0 || serverName.chars().allMatch(c -> c == '.' || Character.isDigit(c)))
            return List.of();
        return List.of(new SNIHostName(serverName));
    }

    @Override
    public String toString()
    {
        return "TLS checking the server's certificate for " + serverName;
    }
}
