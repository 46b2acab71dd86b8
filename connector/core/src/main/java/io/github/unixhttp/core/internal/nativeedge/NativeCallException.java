package io.github.unixhttp.core.internal.nativeedge;

import java.io.IOException;

/**
 * A C library call failed with a known {@code errno}, so that callers decide by the number, never by the text.
 */
public class NativeCallException extends IOException
{
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int EACCES = 13;
    public static final int EEXIST = 17;
    public static final int ENOTDIR = 20;
    public static final int EINVAL = 22;
    public static final int EROFS = 30;
    public static final int ENOSYS = 38;
    public static final int ELOOP = 40;
    public static final int EADDRINUSE = 98;
    public static final int ECONNREFUSED = 111;

    private final int errno;

    public NativeCallException(String call, int errno, String description)
    {
        super(call + " failed: " + description + " (errno " + errno + ")");
        this.errno = errno;
    }

    /**
     * @return the {@code errno} the call failed with
     */
    public int errno()
    {
        return errno;
    }
}
