package io.github.unixhttp.core.internal.nativeedge;

import jnr.ffi.Pointer;

/**
 * {@code getsockopt(2)} on native memory, for reading peer credentials at every accept: with a {@code byte[]} and an
 * {@code IntByReference} jnr would allocate and copy both on each call, some 400 bytes per connection; scratch memory
 * is reused instead. Public only because jnr-ffi implements it from another
 * class loader.
 */
public interface SocketOptionCalls
{
    int getsockopt(int fd, int level, int option, Pointer value, Pointer length);
}
