package io.github.unixhttp.unit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP listener on 127.0.0.1 (an ephemeral port) that records every connection made to it and what arrived first
 * on it: where a client built for a Unix socket must never go. It answers each one with a 200 "trapped", so that a
 * client that does go there finishes instead of waiting.
 */
public final class TcpTrap implements AutoCloseable
{
    private final ServerSocket listener;
    private final Thread acceptor;
    private final List<String> arrivals = new CopyOnWriteArrayList<>();

    private TcpTrap() throws IOException
    {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "tcp-trap-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static TcpTrap open() throws IOException
    {
        return new TcpTrap();
    }

    public int port()
    {
        return listener.getLocalPort();
    }

    /** @return {@code http://127.0.0.1:PORT} followed by {@code path} */
    public String url(String path)
    {
        return "http://127.0.0.1:" + port() + path;
    }

    /** @return the first bytes of each connection made so far (empty when nothing connected) */
    public List<String> arrivals()
    {
        return List.copyOf(arrivals);
    }

    private void accept()
    {
        while (!listener.isClosed())
        {
            try (Socket connection = listener.accept())
            {
                connection.setSoTimeout(1000);
                arrivals.add(firstBytes(connection.getInputStream()));
                OutputStream out = connection.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 7\r\nConnection: close\r\n\r\ntrapped".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            catch (SocketException closed)
            {
                return;
            }
            catch (IOException failure)
            {
                arrivals.add("<" + failure + ">");
            }
        }
    }

    private static String firstBytes(InputStream in)
    {
        byte[] head = new byte[512];
        try
        {
            int read = in.read(head);
            return read <= 0 ? "<nothing>" : new String(head, 0, read, StandardCharsets.ISO_8859_1);
        }
        catch (IOException silent)
        {
            return "<connected, sent nothing: " + silent + ">";
        }
    }

    @Override
    public void close() throws Exception
    {
        listener.close();
        acceptor.join(5000);
    }
}
