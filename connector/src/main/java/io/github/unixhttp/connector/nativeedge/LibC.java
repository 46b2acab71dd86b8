package io.github.unixhttp.connector.nativeedge;

import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.byref.IntByReference;

/**
 * The few C library calls the native edge makes, bound by jnr-ffi.
 */
public interface LibC
{
    int SOL_SOCKET = 1;
    int SO_PEERCRED = 17;
    int SO_PEERGROUPS = 59;
    int ERANGE = 34;

    int getsockopt(int fd, int level, int option, @Out byte[] value, @In @Out IntByReference length);
}
