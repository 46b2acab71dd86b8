/**
 * The same program as a named module, for users on the module path: it finds the connector by its
 * Automatic-Module-Name. On the class path this descriptor is ignored.
 */
module consumer
{
    requires io.github.unixhttp.connector;
    // UnixSocketAddress and PeerCredentials live in the core, which the connector and the clients share.
    requires io.github.unixhttp.core;
    requires org.eclipse.jetty.server;
}
