package io.github.unixhttp.unit.internal.apache;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Socket} face on a connected, non-blocking Unix socket channel (the JDK's or jnr's), for Apache
 * HttpClient's classic I/O. Reads honour {@link #setSoTimeout}; both wait on a selector of the channel's own
 * provider, so abstract-name channels work too. Socket options that mean nothing on a Unix socket are ignored.
 */
final class ChannelSocket extends Socket
{
    private final SocketChannel channel;
    private final Selector selector;
    private final InputStream input = new ChannelInput();
    private final OutputStream output = new ChannelOutput();
    private volatile int soTimeout;
    private volatile boolean closed;

    ChannelSocket(SocketChannel channel) throws IOException
    {
        this.channel = channel;
        this.selector = channel.provider().openSelector();
        channel.register(selector, 0);
    }

    @Override
    public InputStream getInputStream()
    {
        return input;
    }

    @Override
    public OutputStream getOutputStream()
    {
        return output;
    }

    @Override
    public synchronized void setSoTimeout(int timeout)
    {
        soTimeout = timeout;
    }

    @Override
    public synchronized int getSoTimeout()
    {
        return soTimeout;
    }

    @Override
    public boolean isConnected()
    {
        return channel.isConnected();
    }

    @Override
    public boolean isBound()
    {
        return true;
    }

    @Override
    public boolean isClosed()
    {
        return closed;
    }

    @Override
    public boolean isInputShutdown()
    {
        return closed;
    }

    @Override
    public boolean isOutputShutdown()
    {
        return closed;
    }

    @Override
    public SocketAddress getRemoteSocketAddress()
    {
        try
        {
            return channel.getRemoteAddress();
        }
        catch (IOException e)
        {
            return null;
        }
    }

    @Override
    public SocketAddress getLocalSocketAddress()
    {
        try
        {
            return channel.getLocalAddress();
        }
        catch (IOException e)
        {
            return null;
        }
    }

    @Override
    public void shutdownOutput() throws IOException
    {
        channel.shutdownOutput();
    }

    @Override
    public void shutdownInput() throws IOException
    {
        channel.shutdownInput();
    }

    @Override
    public synchronized void close() throws IOException
    {
        if (closed)
            return;
        closed = true;
        try
        {
            selector.close();
        }
        finally
        {
            channel.close();
        }
    }

    // TCP options have no meaning here: accept and ignore them rather than open a TCP socket underneath.
    @Override
    public void setTcpNoDelay(boolean on)
    {
    }

    @Override
    public void setKeepAlive(boolean on)
    {
    }

    @Override
    public void setSoLinger(boolean on, int linger)
    {
    }

    @Override
    public void setReuseAddress(boolean on)
    {
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
    public String toString()
    {
        return "ChannelSocket[" + channel + "]";
    }

    /**
     * Waits until the channel may be ready for {@code operation}, or {@code timeoutMillis} pass (0: no limit). The
     * interest stays set afterwards: the JDK then makes no system call to change it on the next wait.
     */
    private void await(int operation, long timeoutMillis) throws IOException
    {
        synchronized (selector)
        {
            SelectionKey key = channel.keyFor(selector);
            if (key.interestOps() != operation)
                key.interestOps(operation);
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
            ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
            int timeout = soTimeout;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
            // A client mostly reads an answer that is not there yet: wait first, unless the last read filled the
            // buffer (more may be waiting). Two system calls per wait, as HttpClient's own adapter makes.
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
                    await(SelectionKey.OP_READ, timeout == 0 ? 0 : Math.max(1, left));
                }
                int read = channel.read(buffer);
                if (read != 0)
                {
                    lastReadFilledBuffer = read == length;
                    return read;
                }
                // Nothing yet (the selector may wake up without data): wait, then read again, minding the time.
                waitFirst = true;
            }
        }

        @Override
        public int available() throws IOException
        {
            return 0;
        }

        @Override
        public void close() throws IOException
        {
            ChannelSocket.this.close();
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
            ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
            while (buffer.hasRemaining())
            {
                if (closed)
                    throw new SocketException("Socket is closed");
                if (channel.write(buffer) == 0)
                    await(SelectionKey.OP_WRITE, 0);
            }
        }

        @Override
        public void close() throws IOException
        {
            ChannelSocket.this.close();
        }
    }
}
