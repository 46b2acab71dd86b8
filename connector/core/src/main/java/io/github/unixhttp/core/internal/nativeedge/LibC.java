package io.github.unixhttp.core.internal.nativeedge;

import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.byref.IntByReference;

/**
 * The few C library calls the native edge makes, bound by jnr-ffi. Path arguments are NUL-terminated bytes in
 * the file system's encoding (see {@link Directory}).
 */
public interface LibC
{
    int SOL_SOCKET = 1;
    int SO_PEERCRED = 17;
    int SO_PEERGROUPS = 59;
    int ERANGE = 34;
    /** {@code shutdown(2)}: no more receptions; on a listening Unix socket, no more connections (Linux). */
    int SHUT_RD = 0;
    /** {@code fcntl(2)}: get the status flags (O_NONBLOCK among them); 3 on every Linux architecture. */
    int F_GETFL = 3;

    /** {@code *at} flags, the same on every Linux architecture. */
    int AT_SYMLINK_NOFOLLOW = 0x100;
    int AT_REMOVEDIR = 0x200;
    /** {@code flock(2)} operations. */
    int LOCK_EX = 2;
    int LOCK_NB = 4;
    /** {@code renameat2(2)} flag: swap the two names atomically (Linux 3.15+, most local file systems). */
    int RENAME_EXCHANGE = 2;

    int socket(int domain, int type, int protocol);

    int bind(int fd, @In byte[] address, int length);

    int connect(int fd, @In byte[] address, int length);

    int listen(int fd, int backlog);

    /** {@code how}: {@link #SHUT_RD}. */
    int shutdown(int fd, int how);

    int dup3(int from, int to, int flags);

    int dup2(int from, int to);

    /** {@code name} NUL-terminated. */
    int unsetenv(@In byte[] name);

    /** {@code address} receives the {@code struct sockaddr_un}; {@code length} its room in, its size out. */
    int getsockname(int fd, @Out byte[] address, @In @Out IntByReference length);

    int getpeername(int fd, @Out byte[] address, @In @Out IntByReference length);

    int open(@In byte[] path, int flags, int mode);

    int openat(int dirfd, @In byte[] path, int flags, int mode);

    int mkdirat(int dirfd, @In byte[] path, int mode);

    int unlinkat(int dirfd, @In byte[] path, int flags);

    int linkat(int oldDirfd, @In byte[] oldPath, int newDirfd, @In byte[] newPath, int flags);

    /** glibc 2.28+; where it is missing, jnr-ffi fails the call with an {@link UnsatisfiedLinkError}. */
    int renameat2(int oldDirfd, @In byte[] oldPath, int newDirfd, @In byte[] newPath, int flags);

    int fchownat(int dirfd, @In byte[] path, int owner, int group, int flags);

    int fchmodat(int dirfd, @In byte[] path, int mode, int flags);

    int fchmod(int fd, int mode);

    long pread(int fd, @Out byte[] buffer, long count, long offset);

    long pwrite(int fd, @In byte[] buffer, long count, long offset);

    int ftruncate(int fd, long length);

    int flock(int fd, int operation);

    /** With {@link #F_GETFL} (and 0): the descriptor's status flags. */
    int fcntl(int fd, int command, int argument);

    int close(int fd);

    int geteuid();

    int getegid();
}
