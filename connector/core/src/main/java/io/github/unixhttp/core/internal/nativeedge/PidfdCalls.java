package io.github.unixhttp.core.internal.nativeedge;

import jnr.ffi.Pointer;

/**
 * {@code syscall(2)}, for the pidfd calls that not every C library wraps ({@code pidfd_send_signal} came to glibc in
 * 2.36). Public only because jnr-ffi implements it from another class loader.
 */
public interface PidfdCalls
{
    /** {@code pidfd_send_signal}: 424 on every Linux architecture (the numbers from 424 on are shared). */
    long SYS_PIDFD_SEND_SIGNAL = 424;

    long syscall(long number, int pidfd, int signal, Pointer info, int flags);
}
