package io.github.unixhttp.core.internal.nativeedge;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.nio.channels.Channel;
import java.nio.channels.SocketChannel;

import jnr.enxio.channels.NativeSelectableChannel;

/**
 * The file descriptor behind a socket channel: jnr's channels say it; for the JDK's, it comes through the
 * JDK-internal {@code sun.nio.ch.SelChImpl#getFDVal}, reachable only with
 * {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}.
 */
final class ChannelFds
{
    private final MethodHandle jdkGetFdVal;

    private ChannelFds(MethodHandle jdkGetFdVal)
    {
        this.jdkGetFdVal = jdkGetFdVal;
    }

    static ChannelFds open()
    {
        try
        {
            Class<?> selectableChannelImpl = Class.forName("sun.nio.ch.SelChImpl");
            MethodHandle handle = MethodHandles.lookup().unreflect(selectableChannelImpl.getMethod("getFDVal"));
            return new ChannelFds(handle.asType(handle.type().changeParameterType(0, Object.class)));
        }
        catch (ReflectiveOperationException | RuntimeException notExported)
        {
            return new ChannelFds(null);
        }
    }

    /**
     * @return whether the JDK's own channels give their descriptor to us
     */
    boolean readsJdkChannels()
    {
        return jdkGetFdVal != null;
    }

    /**
     * @return whether {@link #fdOf} can answer for this channel
     */
    boolean canRead(SocketChannel channel)
    {
        return channel instanceof NativeSelectableChannel || jdkGetFdVal != null;
    }

    int fdOf(Channel channel)
    {
        if (channel instanceof NativeSelectableChannel nativeChannel)
            return nativeChannel.getFD();
        try
        {
            return (int)jdkGetFdVal.invokeExact((Object)channel);
        }
        catch (RuntimeException | Error e)
        {
            throw e;
        }
        catch (Throwable impossible)
        {
            throw new IllegalStateException(impossible);
        }
    }
}
