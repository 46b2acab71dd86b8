package io.github.unixhttp.connector.jmx;

import io.github.unixhttp.connector.UnixSocketConnector;
import org.eclipse.jetty.server.jmx.AbstractConnectorMBean;
import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;

/**
 * How JMX consoles see a {@link UnixSocketConnector}; Jetty's {@code MBeanContainer} finds this class by its name.
 * The connector's attributes whose types are its own (the address, socket file options, peer policies and caller
 * limits) are shown as text: a remote console such as JConsole cannot load those classes, and would show them as
 * "Unavailable". The other attributes are the connector's, unchanged.
 */
@ManagedObject("HTTP over a Unix socket file")
public class UnixSocketConnectorMBean extends AbstractConnectorMBean
{
    /**
     * @param managedObject the {@link UnixSocketConnector} shown; Jetty's MBeanContainer calls this
     */
    public UnixSocketConnectorMBean(Object managedObject)
    {
        super(managedObject);
    }

    @ManagedAttribute(value = "Where the connector listens: a path, @name, or inherited", name = "address", readonly = true)
    public String getAddress()
    {
        return text(connector().getAddress());
    }

    @ManagedAttribute(value = "The socket file clients connect to", name = "socketPath", readonly = true)
    public String getSocketPath()
    {
        return text(connector().getSocketPath());
    }

    @ManagedAttribute(value = "How the socket file is made and kept: mode, group, stale sockets, takeover",
        name = "socketFile", readonly = true)
    public String getSocketFile()
    {
        return text(connector().getSocketFile());
    }

    @ManagedAttribute(value = "Who may connect, checked at accept on the peer's credentials", name = "peerPolicy", readonly = true)
    public String getPeerPolicy()
    {
        return text(connector().getPeerPolicy());
    }

    @ManagedAttribute(value = "Peers whose PROXY protocol and Forwarded headers are believed", name = "trustedProxies",
        readonly = true)
    public String getTrustedProxies()
    {
        return text(connector().getTrustedProxies());
    }

    @ManagedAttribute(value = "How much one caller (a uid, or a uid and its program) may hold: connections, requests in " +
        "flight, request rate", name = "callerLimits", readonly = true)
    public String getCallerLimits()
    {
        return text(connector().getCallerLimits());
    }

    /**
     * @return a line per caller the connector knows now, e.g. {@code uid 1000: 3 connections, 1 in flight, 0 refused
     *         waiting; refused 2 connections, 5 requests}
     */
    @ManagedAttribute(value = "Each caller holding anything now: connections, requests in flight, refused connections " +
        "waiting, what it was refused", name = "callers", readonly = true)
    public String[] getCallers()
    {
        return connector().getCallerActivity().stream().map(Object::toString).toArray(String[]::new);
    }

    private UnixSocketConnector connector()
    {
        return (UnixSocketConnector)getManagedObject();
    }

    private static String text(Object value)
    {
        return value == null ? null : value.toString();
    }
}
