/**
 * Apache HttpClient 5 over a Unix socket. Start with {@link io.github.unixhttp.unit.apache.UnixHttpClients#create}
 * (classic, socket files and abstract names) or {@link io.github.unixhttp.unit.apache.UnixHttpAsyncClients#create}
 * (async, socket files), or their {@code custom(address, options)} for a builder with the Unix parts already set.
 * Every request goes to the one socket, never over TCP; keep {@link io.github.unixhttp.unit.apache.RefusalsAreFinal}
 * when you set a retry strategy of your own.
 */
package io.github.unixhttp.unit.apache;
