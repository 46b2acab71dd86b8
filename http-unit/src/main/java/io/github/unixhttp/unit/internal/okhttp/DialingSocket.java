package io.github.unixhttp.unit.internal.okhttp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.unit.ServerIdentityCheck;
import io.github.unixhttp.unit.internal.UnixDialer;

/**
 * The {@link Socket} OkHttp gets from {@link UnixSocketFactory}: unconnected when made, as OkHttp wants it, and
 * connected by {@link #connect(SocketAddress, int)} to the one Unix socket it was made for, whatever address OkHttp
 * passes (the placeholder of {@link NoDns}, a URL's IP literal, a proxy's address). The connect goes through
 * {@link UnixDialer}: the file check, the connect retry on a full backlog until OkHttp's connect timeout, and the
 * server identity check, all before OkHttp has the socket, so before any byte of a request is written.
 *
 * <p>Once connected, reads and writes run on the non-blocking channel, waiting on selectors of the channel's own
 * provider (a jnr channel for an abstract name works too). Reads honour {@link #setSoTimeout}, which OkHttp uses for
 * its read timeout and for its 1 ms check of a pooled connection. Reads and writes wait on selectors of their own, so
 * that a writer never waits behind a reader parked in {@code select} (OkHttp's HTTP/2 reads and writes on separate
 * threads). {@link #close()} wakes up both, as Okio's timeout watchdog needs.</p>
 *
 * <p>Never a TCP socket: no {@code SocketImpl} is made (every method that would reach one is overridden), and TCP
 * options are accepted and ignored.</p>
 *
 * <p>(The I/O is that of the classic Apache client's {@code ChannelSocket}, which takes a channel already connected
 * and shares one selector between reading and writing.)</p>
 */
final class DialingSocket extends Socket
{
    private final UnixSocketAddress address;
    private final ServerIdentityCheck identity;
    private final InputStream input = new ChannelInput();
    private final OutputStream output = new ChannelOutput();
    private final Object lock = new Object();
    private volatile SocketChannel channel;
    private Selector readSelector;
    private Selector writeSelector;
    private volatile int soTimeout;
    private volatile boolean closed;
    private volatile boolean inputShutdown;
    private volatile boolean outputShutdown;

    DialingSocket(UnixSocketAddress address, ServerIdentityCheck identity)
    {
        this.address = address;
        this.identity = identity;
    }

    /**
     * Connects to the Unix socket, not to {@code ignored}.
     *
     * @param ignored what OkHttp asks for; every connection of this socket's client goes to its Unix socket
     * @param timeout the connect timeout in milliseconds, as for a TCP socket: 0 waits as long as it takes
     * @throws java.net.ConnectException if nothing listens there
     * @throws SocketTimeoutException if the server's backlog stayed full for {@code timeout}
     * @throws io.github.unixhttp.unit.ServerIdentityException if the server (or, as a
     *                                                        {@link io.github.unixhttp.unit.SocketFileException},
     *                                                        the socket file) is not what the check requires
     */
    @Override
    public void connect(SocketAddress ignored, int timeout) throws IOException
    {
        if (timeout < 0)
            throw new IllegalArgumentException("timeout < 0: " + timeout);
        synchronized (lock)
        {
            if (closed)
                throw new SocketException("Socket is closed");
            if (channel != null)
                throw new SocketException("Already connected");
        }
        SocketChannel connected = UnixDialer.connect(address, Duration.ofMillis(timeout), identity);
        try
        {
            synchronized (lock)
            {
                // Closed while connecting (OkHttp cancels a call by closing its socket): the connection goes too.
                if (closed)
                    throw new SocketException("Socket closed while connecting to unix:" + address);
                readSelector = connected.provider().openSelector();
                writeSelector = connected.provider().openSelector();
                connected.register(readSelector, SelectionKey.OP_READ);
                connected.register(writeSelector, SelectionKey.OP_WRITE);
                channel = connected;
            }
        }
        catch (IOException | RuntimeException failed)
        {
            closeQuietly(readSelector);
            closeQuietly(writeSelector);
            connected.close();
            throw failed;
        }
    }

    @Override
    public void connect(SocketAddress ignored) throws IOException
    {
        connect(ignored, 0);
    }

    @Override
    public void bind(SocketAddress local) throws IOException
    {
        throw new SocketException("A Unix socket client binds no local address");
    }

    @Override
    public InputStream getInputStream() throws IOException
    {
        requireConnected();
        return input;
    }

    @Override
    public OutputStream getOutputStream() throws IOException
    {
        requireConnected();
        return output;
    }

    @Override
    public void setSoTimeout(int timeout)
    {
        if (timeout < 0)
            throw new IllegalArgumentException("timeout < 0: " + timeout);
        soTimeout = timeout;
    }

    @Override
    public int getSoTimeout()
    {
        return soTimeout;
    }

    @Override
    public boolean isConnected()
    {
        return channel != null;
    }

    @Override
    public boolean isBound()
    {
        return channel != null;
    }

    @Override
    public boolean isClosed()
    {
        return closed;
    }

    @Override
    public boolean isInputShutdown()
    {
        return inputShutdown || closed;
    }

    @Override
    public boolean isOutputShutdown()
    {
        return outputShutdown || closed;
    }

    /** @return {@code null}: the peer has no IP address (see {@link #getRemoteSocketAddress()}) */
    @Override
    public InetAddress getInetAddress()
    {
        return null;
    }

    /** @return 0: the peer has no port */
    @Override
    public int getPort()
    {
        return 0;
    }

    /** @return {@code null}: this end has no IP address */
    @Override
    public InetAddress getLocalAddress()
    {
        return null;
    }

    /** @return -1, as for an unbound socket: this end has no port */
    @Override
    public int getLocalPort()
    {
        return -1;
    }

    /** @return the channel's remote address (the socket's path or name), or {@code null} before connecting */
    @Override
    public SocketAddress getRemoteSocketAddress()
    {
        SocketChannel connected = channel;
        try
        {
            return connected == null ? null : connected.getRemoteAddress();
        }
        catch (IOException closedAlready)
        {
            return null;
        }
    }

    @Override
    public SocketAddress getLocalSocketAddress()
    {
        SocketChannel connected = channel;
        try
        {
            return connected == null ? null : connected.getLocalAddress();
        }
        catch (IOException closedAlready)
        {
            return null;
        }
    }

    @Override
    public void shutdownOutput() throws IOException
    {
        requireConnected().shutdownOutput();
        outputShutdown = true;
    }

    @Override
    public void shutdownInput() throws IOException
    {
        requireConnected().shutdownInput();
        inputShutdown = true;
    }

    /**
     * Closes the connection, and wakes up a thread waiting to read or write, which then fails with a
     * {@link SocketException}: how OkHttp cancels a call and how Okio's watchdog ends a read that timed out.
     */
    @Override
    public void close() throws IOException
    {
        SocketChannel connected;
        synchronized (lock)
        {
            if (closed)
                return;
            closed = true;
            connected = channel;
        }
        if (connected == null)
            return;
        // A selector's close wakes up its select first, then waits for the waiting thread to leave it.
        try
        {
            closeQuietly(readSelector);
            closeQuietly(writeSelector);
        }
        finally
        {
            connected.close();
        }
    }

    // TCP options have no meaning on a Unix socket: accepted and ignored, and no TCP socket is made to hold them.
    @Override
    public void setTcpNoDelay(boolean on)
    {
    }

    @Override
    public boolean getTcpNoDelay()
    {
        return true;
    }

    @Override
    public void setKeepAlive(boolean on)
    {
    }

    @Override
    public boolean getKeepAlive()
    {
        return false;
    }

    @Override
    public void setSoLinger(boolean on, int linger)
    {
    }

    @Override
    public int getSoLinger()
    {
        return -1;
    }

    @Override
    public void setReuseAddress(boolean on)
    {
    }

    @Override
    public boolean getReuseAddress()
    {
        return false;
    }

    @Override
    public void setReceiveBufferSize(int size)
    {
    }

    @Override
    public void setSendBufferSize(int size)
    {
    }

    @Override
    public void setTrafficClass(int trafficClass)
    {
    }

    @Override
    public void setOOBInline(boolean on)
    {
    }

    @Override
    public void sendUrgentData(int data) throws IOException
    {
        throw new SocketException("Urgent data is TCP's: not sent on a Unix socket");
    }

    // The getters and generic options below would otherwise make the TCP SocketImpl that backs a plain Socket.
    @Override
    public int getReceiveBufferSize()
    {
        return 0;
    }

    @Override
    public int getSendBufferSize()
    {
        return 0;
    }

    @Override
    public int getTrafficClass()
    {
        return 0;
    }

    @Override
    public boolean getOOBInline()
    {
        return false;
    }

    @Override
    public Set<SocketOption<?>> supportedOptions()
    {
        return Set.of();
    }

    @Override
    public <T> Socket setOption(SocketOption<T> name, T value)
    {
        throw new UnsupportedOperationException(name + " is not an option of this Unix socket client's sockets");
    }

    @Override
    public <T> T getOption(SocketOption<T> name)
    {
        throw new UnsupportedOperationException(name + " is not an option of this Unix socket client's sockets");
    }

    @Override
    public String toString()
    {
        SocketChannel connected = channel;
        return "DialingSocket[unix:" + address + (connected == null ? ", unconnected" : ", " + connected) + (closed ? ", closed]" : "]");
    }

    private SocketChannel requireConnected() throws SocketException
    {
        if (closed)
            throw new SocketException("Socket is closed");
        SocketChannel connected = channel;
        if (connected == null)
            throw new SocketException("Socket is not connected");
        return connected;
    }

    private static void closeQuietly(Selector selector)
    {
        if (selector == null)
            return;
        try
        {
            selector.close();
        }
        catch (IOException ignored)
        {
            // Only its own resources: the channel is closed next, which is what matters.
        }
    }

    /**
     * Waits until the channel may be ready, or {@code timeoutMillis} pass (0: no limit). One waiter per selector: reads
     * are made by one thread at a time, and so are writes (the caller's streams are not meant for concurrent use).
     */
    private static void await(Selector selector, long timeoutMillis) throws IOException
    {
        synchronized (selector)
        {
            selector.select(timeoutMillis);
            selector.selectedKeys().clear();
        }
    }

    private final class ChannelInput extends InputStream
    {
        private boolean lastReadFilledBuffer;

        @Override
        public int read() throws IOException
        {
            byte[] one = new byte[1];
            int read = read(one, 0, 1);
            return read < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException
        {
            if (length == 0)
                return 0;
            SocketChannel connected = requireConnected();
            ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
            int timeout = soTimeout;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
            // A client mostly reads an answer that is not there yet: wait first, unless the last read filled the
            // buffer (more may be waiting).
            boolean waitFirst = !lastReadFilledBuffer;
            while (true)
            {
                if (closed)
                    throw new SocketException("Socket is closed");
                if (waitFirst)
                {
                    long left = timeout == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (timeout > 0 && left <= 0)
                        throw new SocketTimeoutException("Read timed out after " + timeout + " ms");
                    try
                    {
                        await(readSelector, timeout == 0 ? 0 : Math.max(1, left));
                    }
                    catch (ClosedSelectorException closedMeanwhile)
                    {
                        throw new SocketException("Socket is closed");
                    }
                }
                int read = connected.read(buffer);
                if (read != 0)
                {
                    lastReadFilledBuffer = read == length;
                    return read;
                }
                // Nothing yet (a selector may wake up without data): wait, then read again, minding the time.
                waitFirst = true;
            }
        }

        @Override
        public int available()
        {
            return 0;
        }

        @Override
        public void close() throws IOException
        {
            DialingSocket.this.close();
        }
    }

    private final class ChannelOutput extends OutputStream
    {
        @Override
        public void write(int b) throws IOException
        {
            write(new byte[]{(byte)b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException
        {
            SocketChannel connected = requireConnected();
            ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
            while (buffer.hasRemaining())
            {
                if (closed)
                    throw new SocketException("Socket is closed");
                if (connected.write(buffer) > 0)
                    continue;
                // The peer is not reading: wait for room. OkHttp's write timeout (Okio's watchdog) closes the socket.
                try
                {
                    await(writeSelector, 0);
                }
                catch (ClosedSelectorException closedMeanwhile)
                {
                    throw new SocketException("Socket is closed");
                }
            }
        }

        @Override
        public void close() throws IOException
        {
            DialingSocket.this.close();
        }
    }
}
