package io.github.unixhttp.connector.nativeedge;

import java.io.IOException;

/**
 * A C library call failed with a known {@code errno}, so that callers decide by the number, never by the text.
 */
public class NativeCallException extends IOException
{
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EEXIST = 17;
    public static final int EXDEV = 18;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int EROFS = 30;
    public static final int EMLINK = 31;
    public static final int ELOOP = 40;
    public static final int ENOTEMPTY = 39;
    public static final int EADDRINUSE = 98;
    public static final int ECONNREFUSED = 111;

    private final String call;
    private final int errno;

    public NativeCallException(String call, int errno, String description)
    {
        super(call + " failed: " + description + " (errno " + errno + ")");
        this.call = call;
        this.errno = errno;
    }

    /**
     * @return the C call that failed, with its arguments, e.g. {@code openat(lock file app.sock.lock)}
     */
    public String call()
    {
        return call;
    }

    /**
     * @return the {@code errno} the call failed with
     */
    public int errno()
    {
        return errno;
    }
}
