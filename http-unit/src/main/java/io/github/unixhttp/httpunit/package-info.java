/**
 * The client side and the one-call server: Apache HttpClient 5 and Jetty HttpClient over Unix sockets,
 * {@code http+unix://} URLs. Filled in by its own issue; empty for now.
 */
package io.github.unixhttp.httpunit;
