package io.github.unixhttp.core.internal.nativeedge;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;

/**
 * The C library's reentrant name lookups ({@code getpwuid_r(3)} and friends): each returns 0 and sets
 * {@code *result} to the entry or to {@code NULL} (no such name), or returns an error number ({@code ERANGE}: the
 * buffer is too small). Declared here rather than taken from jnr-posix, whose binding of the whole C library costs
 * a server some 40 MB of resident memory at start (the JIT compiling its generated stubs). Public only because jnr-ffi
 * implements it from another class loader.
 */
public interface NameCalls
{
    int getpwuid_r(int uid, Pointer passwd, Pointer buffer, long bufferLength, Pointer result);

    int getpwnam_r(@In byte[] name, Pointer passwd, Pointer buffer, long bufferLength, Pointer result);

    int getgrgid_r(int gid, Pointer group, Pointer buffer, long bufferLength, Pointer result);

    int getgrnam_r(@In byte[] name, Pointer group, Pointer buffer, long bufferLength, Pointer result);
}
