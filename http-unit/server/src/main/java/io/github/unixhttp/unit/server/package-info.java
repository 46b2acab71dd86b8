/**
 * Serving HTTP on a Unix socket without assembling Jetty by hand. Start with
 * {@link io.github.unixhttp.unit.server.UnixHttpServer#serve} or
 * {@link io.github.unixhttp.unit.server.UnixHttpServer#builder}.
 *
 * <p>{@link io.github.unixhttp.unit.server.UnixSocketSettings} is the one settings schema of the framework
 * integrations (Spring Boot, Dropwizard, jetty-home, the demo): a {@link io.github.unixhttp.unit.server.SettingsParser}
 * reads each {@link io.github.unixhttp.unit.server.SettingKey}'s text, checks the rules between settings, and reports
 * every {@link io.github.unixhttp.unit.server.SettingsProblem} at once in a
 * {@link io.github.unixhttp.unit.server.SettingsException}, naming each setting as the front end spells it.</p>
 */
package io.github.unixhttp.unit.server;
