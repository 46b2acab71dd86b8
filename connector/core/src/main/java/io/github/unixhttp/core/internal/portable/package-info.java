/**
 * The portable layer: what the platform layer does on JDK APIs alone (macOS, Windows, the BSDs, and Linux where jnr
 * cannot load). Chosen by {@link io.github.unixhttp.core.internal.platform.Platform}; reached through
 * {@code NativeEdge}, the one door for everything the JDK does not do by itself. Not API.
 */
package io.github.unixhttp.core.internal.portable;
