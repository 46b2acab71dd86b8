package io.github.unixhttp.core.internal.nativeedge;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;

/**
 * The calls made on a peer's pidfd: {@code syscall(2)} for those not every C library wraps ({@code pidfd_send_signal}
 * came to glibc in 2.36), and {@code statx(2)} (glibc 2.28+) for its inode, whose layout, unlike {@code struct stat}'s,
 * is the same on every architecture. Public only because jnr-ffi implements it from another class loader.
 */
public interface PidfdCalls
{
    /** {@code pidfd_send_signal}: 424 on every Linux architecture (the numbers from 424 on are shared). */
    long SYS_PIDFD_SEND_SIGNAL = 424;

    long syscall(long number, int pidfd, int signal, Pointer info, int flags);

    /** {@code statx} flag: the descriptor itself, with an empty path. */
    int AT_EMPTY_PATH = 0x1000;
    /** {@code statx} mask: the inode number. */
    int STATX_INO = 0x100;
    /** Where {@code stx_ino} (64 bits) is in {@code struct statx}. */
    int STATX_INO_OFFSET = 32;
    /** The size of {@code struct statx}. */
    int STATX_SIZE = 256;

    int statx(int dirfd, @In byte[] path, int flags, int mask, Pointer statx);
}
