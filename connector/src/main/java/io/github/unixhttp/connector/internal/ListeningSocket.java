package io.github.unixhttp.connector.internal;

import java.io.Closeable;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;

/**
 * A listening Unix stream socket, however it came to be: bound at a path ({@code binding}), bound to an abstract
 * name ({@code nativeedge}), or handed over by a supervisor ({@code activation}). The connector accepts from it
 * and closes it on stop; what closing does (remove our file, nothing, keep the supervisor's socket open) is up
 * to each kind.
 */
public interface ListeningSocket extends Closeable
{
    /**
     * @return the channel to register with a selector, or to put in blocking mode for acceptor threads
     */
    SelectableChannel channel();

    /**
     * @return the next connection; {@code null} if the channel is non-blocking and none is waiting
     */
    SocketChannel accept() throws IOException;

    /**
     * @return what requests report as their local address
     */
    SocketAddress localAddress();

    /**
     * @return whether its channels need jnr's own selector rather than the JDK's (abstract names)
     */
    default boolean needsNativeSelector()
    {
        return false;
    }
}
