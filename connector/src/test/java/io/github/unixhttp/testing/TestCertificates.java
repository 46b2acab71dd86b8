package io.github.unixhttp.testing;

import java.nio.file.Path;
import java.time.Duration;

import io.github.unixhttp.connector.UnixSocketConnector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * A self-signed server certificate made by the JDK's own {@code keytool}: a PKCS#12 key store for the server and the
 * certificate in PEM for clients (curl's {@code --cacert}) and as a trust store.
 *
 * @param keyStore PKCS#12, password {@link #PASSWORD}, the key under alias "server"
 * @param certificatePem the certificate alone, PEM
 * @param trustStore PKCS#12 with the certificate only, password {@link #PASSWORD}
 */
public record TestCertificates(Path keyStore, Path certificatePem, Path trustStore)
{
    public static final String PASSWORD = "unixhttp-test";

    /**
     * @param dnsName the name the certificate is for (its subject alternative name and common name)
     */
    public static TestCertificates make(Path dir, String dnsName) throws Exception
    {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Path keyStore = dir.resolve(dnsName + ".p12");
        Path pem = dir.resolve(dnsName + ".pem");
        Path trustStore = dir.resolve(dnsName + "-trust.p12");
        run(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
            "-dname", "CN=" + dnsName, "-ext", "SAN=dns:" + dnsName, "-keystore", keyStore.toString(), "-storetype", "PKCS12",
            "-storepass", PASSWORD, "-keypass", PASSWORD);
        run(keytool.toString(), "-exportcert", "-rfc", "-alias", "server", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
            "-file", pem.toString());
        run(keytool.toString(), "-importcert", "-noprompt", "-alias", "server", "-file", pem.toString(), "-keystore",
            trustStore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        return new TestCertificates(keyStore, pem, trustStore);
    }

    /** @return Jetty's server-side TLS with this key store */
    public SslContextFactory.Server serverTls()
    {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(keyStore.toString());
        tls.setKeyStoreType("PKCS12");
        tls.setKeyStorePassword(PASSWORD);
        return tls;
    }

    /**
     * @return our HTTP configuration with Jetty's {@code SecureRequestCustomizer}, which here does not hold requests to
     *         the certificate's name: clients over a socket say {@code localhost}
     */
    public static HttpConfiguration httpsConfigurationForAnyHost()
    {
        HttpConfiguration configuration = UnixSocketConnector.newHttpConfiguration();
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        configuration.addCustomizer(secure);
        return configuration;
    }

    private static void run(String... command) throws Exception
    {
        Run.Result result = Run.run(Duration.ofSeconds(60), command);
        if (result.exitCode() != 0)
            throw new IllegalStateException(String.join(" ", command) + " failed: " + result.stdout() + result.stderr());
    }
}
