package io.github.unixhttp.connector.internal.activation;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.github.unixhttp.core.internal.ListeningSocket;
import io.github.unixhttp.core.internal.nativeedge.NativeEdge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes up a listening Unix socket handed over by a supervisor, on the JDK's own channel so that it serves as
 * fast as a socket we bound ourselves:
 * <ul>
 *   <li>on standard input, as {@code s6-ipcserver-socketbinder path prog...} and systemd's
 *   {@code StandardInput=socket} pass it: {@link System#inheritedChannel()} gives it to us;</li>
 *   <li>as systemd's {@code LISTEN_FDS} (descriptors from 3, {@code LISTEN_PID} naming us, {@code LISTEN_FDNAMES}
 *   naming them): the chosen descriptor is first duplicated onto descriptor 0, the only one the JDK takes up, and
 *   the variables are unset as {@code sd_listen_fds(3)} does.</li>
 * </ul>
 * One inherited socket per JVM: the JDK takes up descriptor 0 once and keeps the answer.
 */
public final class SocketActivation
{
    private static final Logger LOG = LoggerFactory.getLogger(SocketActivation.class);
    private static final int SD_LISTEN_FDS_START = 3;
    private static final String HOW_TO_HAND_OVER = "Start the server under s6-ipcserver-socketbinder PATH PROG..., " +
        "or from a systemd .socket unit (ListenStream=PATH, Accept=no)";

    private SocketActivation()
    {
    }

    /**
     * @param name the {@code LISTEN_FDNAMES} name of the socket to take up, or {@code null} for the only one
     * @throws IOException naming what is wrong and how to hand a socket over properly
     */
    public static ListeningSocket inherit(String name) throws IOException
    {
        return inherit(name, System.getenv(), ProcessHandle.current().pid());
    }

    static ListeningSocket inherit(String name, Map<String, String> environment, long pid) throws IOException
    {
        String origin = "standard input";
        String listenFds = environment.get("LISTEN_FDS");
        String notForUs = null;
        if (listenFds != null)
        {
            String listenPid = environment.get("LISTEN_PID");
            if (listenPid == null || !listenPid.equals(Long.toString(pid)))
                notForUs = "LISTEN_PID=" + listenPid + " is not this process (" + pid + "), so LISTEN_FDS=" + listenFds +
                    " was meant for another process and is ignored";
            else
            {
                int fd = chooseDescriptor(name, listenFds, environment.get("LISTEN_FDNAMES"));
                // The JDK takes up an inherited channel from descriptor 0 only; and a child must not take it too.
                NativeEdge.dup2(fd, 0);
                for (String variable : List.of("LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"))
                    NativeEdge.unsetenv(variable);
                LOG.info("Took up LISTEN_FDS descriptor {}: duplicated onto standard input, and LISTEN_FDS, LISTEN_PID " +
                    "and LISTEN_FDNAMES unset so that child processes do not take it too", fd);
                origin = "LISTEN_FDS descriptor " + fd + (name == null ? "" : " (" + name + ")");
            }
        }
        else if (name != null)
            throw new IOException("No inherited socket named '" + name + "': LISTEN_FDS is not set. " +
                "Socket names come from systemd (FileDescriptorName= in the .socket unit); " + HOW_TO_HAND_OVER);
        return takeUpStandardInput(origin, notForUs);
    }

    private static int chooseDescriptor(String name, String listenFds, String listenFdNames) throws IOException
    {
        int count;
        try
        {
            count = Integer.parseInt(listenFds.trim());
        }
        catch (NumberFormatException e)
        {
            throw new IOException("LISTEN_FDS=" + listenFds + " is not a number of descriptors. " + HOW_TO_HAND_OVER);
        }
        if (count < 1)
            throw new IOException("LISTEN_FDS=" + listenFds + ": no socket was passed. " + HOW_TO_HAND_OVER);
        List<String> names = listenFdNames == null ? List.of() : Arrays.asList(listenFdNames.split(":", -1));
        if (name == null)
        {
            if (count > 1)
                throw new IOException(count + " sockets were passed (LISTEN_FDNAMES=" + listenFdNames + "): say which to serve " +
                    "by its name (--fdname in systemd-socket-activate, FileDescriptorName= in a .socket unit)");
            return SD_LISTEN_FDS_START;
        }
        int index = names.indexOf(name);
        if (index < 0 || index >= count)
            throw new IOException("No inherited socket is named '" + name + "'; the names passed are " + names +
                " (LISTEN_FDNAMES). Use one of those, or name the socket with FileDescriptorName=");
        return SD_LISTEN_FDS_START + index;
    }

    private static ListeningSocket takeUpStandardInput(String origin, String notForUs) throws IOException
    {
        String context = notForUs == null ? "" : " (" + notForUs + ")";
        Channel channel = System.inheritedChannel();
        if (channel == null)
            throw new IOException("Asked to serve an inherited socket, but none was inherited: standard input is not a socket" +
                context + ". " + HOW_TO_HAND_OVER);
        if (channel instanceof SocketChannel)
            throw new IOException("The inherited socket on " + origin + " is a connection, not a listening socket (inetd style, " +
                "or Accept=yes in systemd). Use Accept=no, or s6-ipcserver-socketbinder" + context);
        if (!(channel instanceof ServerSocketChannel server))
            throw new IOException("The inherited descriptor on " + origin + " is " + channel.getClass().getSimpleName() +
                ", not a listening stream socket. " + HOW_TO_HAND_OVER + context);
        SocketAddress local;
        try
        {
            local = server.getLocalAddress();
        }
        catch (RuntimeException unreadable)
        {
            throw new IOException("The inherited socket on " + origin + " has an address the JDK cannot read (" + unreadable +
                "); abstract names cannot be inherited, bind them with the connector instead", unreadable);
        }
        if (!(local instanceof UnixDomainSocketAddress))
            throw new IOException("The inherited socket on " + origin + " is not a Unix socket but " + local +
                ". This connector serves Unix sockets; use Jetty's ServerConnector for TCP" + context);
        LOG.info("Serving the inherited socket unix:{} from {}", local, origin);
        return new InheritedSocket(server, local, origin);
    }
}
