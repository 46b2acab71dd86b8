/**
 * How JMX consoles see a {@link io.github.unixhttp.connector.UnixSocketConnector}: nothing to call; Jetty's
 * {@code MBeanContainer} finds {@link io.github.unixhttp.connector.jmx.UnixSocketConnectorMBean} by its name.
 */
package io.github.unixhttp.connector.jmx;
