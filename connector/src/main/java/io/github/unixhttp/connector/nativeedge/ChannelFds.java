package io.github.unixhttp.connector.nativeedge;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.nio.channels.SocketChannel;

/**
 * The file descriptor behind a JDK socket channel, through the JDK-internal {@code sun.nio.ch.SelChImpl#getFDVal}.
 * That package is reachable only with {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}.
 */
final class ChannelFds
{
    private final MethodHandle getFdVal;

    private ChannelFds(MethodHandle getFdVal)
    {
        this.getFdVal = getFdVal;
    }

    /**
     * @throws ReflectiveOperationException if the JDK does not export the package to us
     */
    static ChannelFds open() throws ReflectiveOperationException
    {
        Class<?> selectableChannelImpl = Class.forName("sun.nio.ch.SelChImpl");
        MethodHandle handle = MethodHandles.lookup().unreflect(selectableChannelImpl.getMethod("getFDVal"));
        return new ChannelFds(handle.asType(handle.type().changeParameterType(0, Object.class)));
    }

    int fdOf(SocketChannel channel)
    {
        try
        {
            return (int)getFdVal.invokeExact((Object)channel);
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
