package io.github.unixhttp.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.connector.audit.AuditTrail;
import io.github.unixhttp.connector.limits.CallerLimits;
import io.github.unixhttp.connector.policy.PeerPolicy;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * One benchmarked server, alone in its JVM: {@code BenchServer KIND ADDRESS blocking|nonblocking}. Every kind
 * answers the same trivial response (200, text/plain, 13 bytes) from a blocking handler (Jetty's default invocation
 * type) or a non-blocking one; the handler type is the server's, since Jetty derives its invocation type from the
 * whole handler tree. Prints "READY" once listening; stops when killed.
 */
public final class BenchServer
{
    static final byte[] BODY = "hello, world\n".getBytes(StandardCharsets.US_ASCII);

    /** The servers the bench compares. */
    public enum Kind
    {
        /** Ours with its defaults: peer credentials read at accept, every peer admitted. */
        UNIXHTTP,
        /** Ours with peer credentials off: what the features are measured against. */
        UNIXHTTP_NOCREDS,
        /** Ours with credentials read and a peer policy checked (same user or group www-data). */
        UNIXHTTP_POLICY,
        /** Ours with its defaults and which program is calling read at every accept (pidfd: executable, cgroup, unit). */
        UNIXHTTP_PROCESS,
        /** Ours with its defaults and the audit trail on, its JSON lines written to a file beside the socket. */
        UNIXHTTP_AUDIT,
        /** Ours with its defaults but no per-caller limits (their bookkeeping is on by default). */
        UNIXHTTP_NOLIMITS,
        /** Ours on an abstract name, with its defaults. */
        UNIXHTTP_ABSTRACT,
        /** Ours on a socket inherited on fd 0 (started under s6-ipcserver-socketbinder). */
        UNIXHTTP_INHERITED,
        /** Jetty's own UnixDomainServerConnector: the reference. */
        JETTY_UDS,
        /** Jetty's ServerConnector on TCP loopback. */
        JETTY_TCP,
        /** Ours and Jetty TCP in one server, for the client-side bench. */
        UNIXHTTP_AND_TCP
    }

    private BenchServer()
    {
    }

    public static void main(String[] args) throws Exception
    {
        Kind kind = Kind.valueOf(args[0]);
        String address = args[1];
        if (kind == Kind.UNIXHTTP_AUDIT)
        {
            // Before the first logger is made: slf4j-simple reads its settings once.
            System.setProperty("org.slf4j.simpleLogger.log." + AuditTrail.LOGGER_NAME, "info");
            System.setProperty("org.slf4j.simpleLogger.logFile", address + ".audit.log");
        }
        boolean nonBlocking = args.length > 2 && args[2].equals("nonblocking");
        Server server = newServer(kind, address, nonBlocking);
        try
        {
            server.start();
        }
        catch (Exception failed)
        {
            // The pool's threads would keep this JVM alive, and the bench would wait for READY for ever.
            failed.printStackTrace();
            System.out.println("FAILED: " + failed);
            System.exit(1);
        }
        System.out.println("READY");
        System.out.flush();
        server.join();
    }

    /** The server of that kind, not started: for {@link #main} and for harnesses that measure it in their own JVM. */
    static Server newServer(Kind kind, String address, boolean nonBlocking)
    {
        Server server = new Server();
        switch (kind)
        {
            case UNIXHTTP, UNIXHTTP_NOCREDS, UNIXHTTP_POLICY, UNIXHTTP_PROCESS, UNIXHTTP_AUDIT, UNIXHTTP_NOLIMITS, UNIXHTTP_ABSTRACT,
                 UNIXHTTP_INHERITED -> server.addConnector(ours(server, kind, address));
            case JETTY_UDS ->
            {
                UnixDomainServerConnector connector = new UnixDomainServerConnector(server);
                connector.setUnixDomainPath(Path.of(address));
                // Same backlog as ours: Jetty's default (the JDK's 50) refuses h2load's 256 clients at once.
                connector.setAcceptQueueSize(UnixSocketConnector.DEFAULT_ACCEPT_QUEUE_SIZE);
                server.addConnector(connector);
            }
            case JETTY_TCP -> server.addConnector(tcp(server, address));
            case UNIXHTTP_AND_TCP ->
            {
                String[] both = address.split(",");
                server.addConnector(ours(server, Kind.UNIXHTTP, both[0]));
                server.addConnector(tcp(server, both[1]));
            }
        }
        server.setHandler(nonBlocking ? new NonBlockingFixed() : new Fixed());
        return server;
    }

    private static UnixSocketConnector ours(Server server, Kind kind, String address)
    {
        UnixSocketConnector connector = new UnixSocketConnector(server);
        switch (kind)
        {
            case UNIXHTTP_INHERITED -> connector.setAddress(UnixSocketAddress.inherited());
            case UNIXHTTP_ABSTRACT -> connector.setSocket("@" + address);
            default -> connector.setSocketPath(Path.of(address));
        }
        // Every client of the bench is one uid: the idle run's 5000 connections must not meet the per-caller default
        // (1024). The limits' bookkeeping stays on, as in the defaults; only the connection cap is lifted.
        // Given limits need credentials: credentials off means no limits (as the defaults do by themselves).
        connector.setCallerLimits(kind == Kind.UNIXHTTP_NOLIMITS || kind == Kind.UNIXHTTP_NOCREDS ? CallerLimits.none()
            : CallerLimits.builder().maxConnections(CallerLimits.UNLIMITED).build());
        if (kind == Kind.UNIXHTTP_PROCESS)
            connector.setReadPeerProcess(true);
        if (kind == Kind.UNIXHTTP_AUDIT)
            connector.addBean(new AuditTrail());
        if (kind == Kind.UNIXHTTP_NOCREDS)
            connector.setReadPeerCredentials(false);
        if (kind == Kind.UNIXHTTP_POLICY)
            connector.setPeerPolicy(PeerPolicy.builder().allowSameUser().allowGroup("www-data").build());
        return connector;
    }

    private static ServerConnector tcp(Server server, String port)
    {
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setAcceptQueueSize(UnixSocketConnector.DEFAULT_ACCEPT_QUEUE_SIZE);
        connector.setPort(Integer.parseInt(port));
        return connector;
    }

    /** The 13-byte answer from a blocking handler, Jetty's default. */
    private static class Fixed extends Handler.Abstract
    {
        @Override
        public boolean handle(Request request, Response response, Callback callback)
        {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, BODY.length);
            response.write(true, ByteBuffer.wrap(BODY), callback);
            return true;
        }
    }

    /** The same answer, declared non-blocking: Jetty may then run it on the selector thread. */
    private static final class NonBlockingFixed extends Fixed
    {
        @Override
        public InvocationType getInvocationType()
        {
            return InvocationType.NON_BLOCKING;
        }
    }
}
