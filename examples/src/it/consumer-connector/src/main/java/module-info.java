/**
 * The same program as a named module, for users on the module path: it finds the connector by its
 * Automatic-Module-Name. On the class path this descriptor is ignored.
 */
module consumer
{
    requires io.github.unixhttp.connector;
    requires org.eclipse.jetty.server;
}
