package io.github.unixhttp.unit.okhttp;

import io.github.unixhttp.core.UnixSocketAddress;

/**
 * Run by {@link OkHttpClientTest} in a JVM with the portable layer forced: makes a client of a socket file (which the
 * portable layer reaches) and one of an abstract name (which it cannot), and prints what each gave.
 */
public final class PortableAbstractNameMain
{
    private PortableAbstractNameMain()
    {
    }

    public static void main(String[] args)
    {
        UnixOkHttpClients.newClient(UnixSocketAddress.parse("/run/unixhttp-okhttp-test.sock"));
        System.out.println("socket file: made");
        try
        {
            UnixOkHttpClients.newClient(UnixSocketAddress.ofAbstractName("unixhttp-okhttp-test"));
            System.out.println("abstract name: made");
        }
        catch (RuntimeException refused)
        {
            System.out.println("abstract name: " + refused.getClass().getSimpleName());
        }
    }
}
