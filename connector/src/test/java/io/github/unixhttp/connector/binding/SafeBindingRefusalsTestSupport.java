package io.github.unixhttp.connector.binding;

final class SafeBindingRefusalsTestSupport
{
    private SafeBindingRefusalsTestSupport()
    {
    }

    /** The message of the {@link SocketBindException} inside a failed start. */
    static String bindMessage(Throwable failure)
    {
        for (Throwable cause = failure; cause != null; cause = cause.getCause())
        {
            if (cause instanceof SocketBindException)
                return cause.getMessage();
        }
        return String.valueOf(failure);
    }
}
