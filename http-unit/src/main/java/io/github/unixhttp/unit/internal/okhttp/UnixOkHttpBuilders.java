package io.github.unixhttp.unit.internal.okhttp;

import java.net.Proxy;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.core.internal.platform.Platform;
import io.github.unixhttp.unit.ServerIdentityCheck;
import io.github.unixhttp.unit.UnixClientOptions;
import io.github.unixhttp.unit.internal.UnixDialer;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;

/**
 * Sets an {@link OkHttpClient.Builder} up for one Unix socket: see {@code UnixOkHttpClients} for what each setting
 * promises.
 */
public final class UnixOkHttpBuilders
{
    /** How long OkHttp keeps an idle connection: its own default. */
    private static final long KEEP_ALIVE_MINUTES = 5;

    private UnixOkHttpBuilders()
    {
    }

    /**
     * @throws IllegalArgumentException for an inherited socket, or a check the address cannot be given
     * @throws IllegalStateException    for an abstract name on the portable layer, or OkHttp older than 5
     */
    public static OkHttpClient.Builder builder(UnixSocketAddress address, UnixClientOptions options)
    {
        UnixDialer.requireConnectable(address);
        requireOkHttp5();
        // Refused now, when the client is made, rather than on its first request, inside OkHttp's call.
        if (address.kind() == UnixSocketAddress.Kind.ABSTRACT_NAME && !Platform.current().isLinux())
            throw Platform.current().refusal("Connecting to an abstract name (unix:" + address + ")", "connect to a socket file path");
        ServerIdentityCheck identity = options.serverIdentityFor(address);
        UnixSocketFactory sockets = new UnixSocketFactory(address, identity, options.connectTimeout());
        // Every URL host is the one socket: OkHttp's limit of 5 asynchronous calls per host would cap the client at 5.
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(options.maxConnections());
        dispatcher.setMaxRequestsPerHost(options.maxConnections());
        OkHttpClient.Builder builder = new OkHttpClient.Builder()
            .socketFactory(sockets)
            .dns(new NoDns(address))
            .proxy(Proxy.NO_PROXY)
            .proxySelector(NoProxies.INSTANCE)
            .followSslRedirects(false)
            .connectTimeout(millis(options.connectTimeout()), TimeUnit.MILLISECONDS)
            .connectionPool(new ConnectionPool(options.maxConnections(), KEEP_ALIVE_MINUTES, TimeUnit.MINUTES))
            .dispatcher(dispatcher);
        if (options.tls() == null)
            builder.sslSocketFactory(new NoTls(address), NoTls.trustManager());
        else
        {
            TlsOverSocket tls = new TlsOverSocket(address, options.tls());
            builder.sslSocketFactory(tls, tls.trustManager()).hostnameVerifier(tls.hostnameVerifier());
        }
        builder.interceptors().add(0, new UnixRouteGuard(sockets, options.tls() != null));
        return builder;
    }

    /**
     * @return {@code timeout} in milliseconds as OkHttp takes it: 0 (no limit) for zero, a negative or an immense
     *         one, as {@code ConnectRetry} reads the options (OkHttp refuses more than {@link Integer#MAX_VALUE} ms)
     */
    static int millis(Duration timeout)
    {
        if (timeout.isZero() || timeout.isNegative() || timeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0)
            return 0;
        // At least 1 ms: OkHttp would read a sub-millisecond timeout as none.
        return (int)Math.max(1, timeout.toMillis());
    }

    /**
     * The route guard reads the call's settings from {@link Interceptor.Chain}, which OkHttp 4 does not offer: refuse
     * at once, naming what to use, rather than fail each call with an {@code AbstractMethodError}.
     */
    private static void requireOkHttp5()
    {
        try
        {
            Interceptor.Chain.class.getMethod("getSocketFactory");
        }
        catch (NoSuchMethodException old)
        {
            throw new IllegalStateException("UnixOkHttpClients needs OkHttp 5 (built and tested with 5.5.1), and OkHttp " +
                okHttpVersion() + " is on the class path: declare com.squareup.okhttp3:okhttp-jvm 5.x with Maven (okhttp 5.x " +
                "with Gradle), and exclude com.squareup.okhttp3:okhttp from what brings OkHttp 4 (Retrofit 3 asks for 4.12)");
        }
    }

    private static String okHttpVersion()
    {
        try
        {
            // Read at run time: the constant would be compiled in as the version this was built with.
            return String.valueOf(Class.forName("okhttp3.OkHttp").getField("VERSION").get(null));
        }
        catch (ReflectiveOperationException | LinkageError unknown)
        {
            return "(version unknown)";
        }
    }
}
