package io.github.unixhttp.testing;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.connector.binding.SocketFileMode;
import io.github.unixhttp.connector.binding.StaleSocketPolicy;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;

/**
 * A test server in its own process, for what one JVM cannot show: another user, {@code kill -9}, a umask.
 *
 * <pre>
 * serve PATH [--mode OCTAL] [--group G] [--stale remove|fail] [--acceptors N] [--allow-uid UID] [--stop-timeout MS] [--takeover x]
 *     prints "LISTENING" or "FAILED message", serves until stdin closes, prints "STOPPED"; on the line "pause" it
 *     stops accepting (connections wait in the backlog) and prints "PAUSED"
 * cycle PATH COUNT [--mode OCTAL]
 *     starts and stops a server COUNT times, prints "CYCLED n"
 * cycle-jetty PATH COUNT --mode OCTAL
 *     the same with Jetty's own UnixDomainServerConnector and a chmod after start, as its users must do
 * serve-inherited - [--fdname NAME]
 *     serves the socket a supervisor handed over; prints "LISTENING" or "FAILED message" (exit 1);
 *     stops on SIGTERM and prints "STOPPED" on stdout and stderr once stopped
 * race PATH
 *     on each stdin line "go" tries to start and prints "WON" or "LOST message"; on "stop" stops and prints "STOPPED"
 * </pre>
 */
public final class ServeMain
{
    public static void main(String[] args) throws Exception
    {
        String command = args[0];
        Path socket = args[1].equals("-") ? null : Path.of(args[1]);
        switch (command)
        {
            case "serve" -> serve(socket, args);
            case "cycle" -> cycle(socket, Integer.parseInt(args[2]), args);
            case "cycle-jetty" -> cycleJettyConnector(socket, Integer.parseInt(args[2]), SocketFileMode.parse(args[4]));
            case "race" -> race(socket);
            case "serve-inherited" -> serveInherited(args);
            default -> throw new IllegalArgumentException(command);
        }
    }

    private static void serve(Path socket, String[] args) throws Exception
    {
        TestServer server;
        try
        {
            server = TestServer.startWithAcceptors(socket, acceptors(args), connector -> configure(connector, args));
        }
        catch (Exception failure)
        {
            System.out.println("FAILED " + describe(failure));
            System.exit(1);
            return;
        }
        System.out.println("LISTENING");
        System.out.flush();
        try (BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)))
        {
            for (String line = stdin.readLine(); line != null; line = stdin.readLine())
            {
                // serve until stdin closes; "pause" stops accepting, so that connections wait in the backlog
                if (line.equals("pause"))
                {
                    server.connector().setAccepting(false);
                    System.out.println("PAUSED");
                    System.out.flush();
                }
            }
        }
        server.close();
        System.out.println("STOPPED");
    }

    private static void serveInherited(String[] args) throws Exception
    {
        TestServer server;
        try
        {
            server = TestServer.start(null, connector ->
            {
                String fdName = null;
                for (int i = 2; i < args.length - 1; i++)
                {
                    if (args[i].equals("--fdname"))
                        fdName = args[i + 1];
                }
                connector.setAddress(UnixSocketAddress.inherited(fdName));
            });
        }
        catch (Exception failure)
        {
            System.out.println("FAILED " + describe(failure));
            System.exit(1);
            return;
        }
        server.server().setStopAtShutdown(true);
        server.server().addEventListener(new org.eclipse.jetty.util.component.LifeCycle.Listener()
        {
            @Override
            public void lifeCycleStopped(org.eclipse.jetty.util.component.LifeCycle event)
            {
                System.out.println("STOPPED");
                System.out.flush();
                System.err.println("STOPPED");
            }
        });
        System.out.println("LISTENING");
        System.out.flush();
        server.server().join();
    }

    private static void cycle(Path socket, int count, String[] args) throws Exception
    {
        int cycles = 0;
        for (int i = 0; i < count; i++)
        {
            try (TestServer ignored = TestServer.start(socket, connector -> configure(connector, args)))
            {
                cycles++;
            }
        }
        System.out.println("CYCLED " + cycles);
    }

    private static void cycleJettyConnector(Path socket, int count, SocketFileMode mode) throws Exception
    {
        int cycles = 0;
        for (int i = 0; i < count; i++)
        {
            Server server = new Server();
            UnixDomainServerConnector connector = new UnixDomainServerConnector(server);
            connector.setUnixDomainPath(socket);
            server.addConnector(connector);
            server.setHandler(new TestHandler());
            server.start();
            Files.setPosixFilePermissions(socket, mode.toPermissions());
            server.stop();
            cycles++;
        }
        System.out.println("CYCLED " + cycles);
    }

    private static void race(Path socket) throws Exception
    {
        TestServer won = null;
        try (BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)))
        {
            for (String line = stdin.readLine(); line != null; line = stdin.readLine())
            {
                if (line.equals("go"))
                {
                    try
                    {
                        won = TestServer.start(socket);
                        System.out.println("WON");
                    }
                    catch (Exception failure)
                    {
                        System.out.println("LOST " + describe(failure));
                    }
                }
                else if (line.equals("stop"))
                {
                    if (won != null)
                        won.close();
                    won = null;
                    System.out.println("STOPPED");
                }
                System.out.flush();
            }
        }
    }

    private static void configure(io.github.unixhttp.connector.UnixSocketConnector connector, String[] args)
    {
        for (int i = 2; i < args.length - 1; i++)
        {
            switch (args[i])
            {
                case "--mode" -> connector.setSocketFile(connector.getSocketFile().toBuilder().mode(SocketFileMode.parse(args[i + 1])).build());
                case "--group" -> connector.setSocketFile(connector.getSocketFile().toBuilder().group(args[i + 1]).build());
                case "--takeover" -> connector.setSocketFile(connector.getSocketFile().toBuilder().takeover(true).build());
                case "--stop-timeout" -> connector.getServer().setStopTimeout(Long.parseLong(args[i + 1]));
                case "--allow-uid" -> connector.setPeerPolicy(io.github.unixhttp.connector.policy.PeerPolicy.builder()
                    .allowUid(Integer.parseInt(args[i + 1])).build());
                case "--stale" -> connector.setSocketFile(connector.getSocketFile().toBuilder().staleSocketPolicy(StaleSocketPolicy.valueOf(args[i + 1].toUpperCase())).build());
                default -> { }
            }
        }
    }

    private static int acceptors(String[] args)
    {
        for (int i = 2; i < args.length - 1; i++)
        {
            if (args[i].equals("--acceptors"))
                return Integer.parseInt(args[i + 1]);
        }
        return 0;
    }

    /** The bind failure's own message if there is one, else the exception. */
    private static String describe(Exception failure)
    {
        String message = BindFailures.bindMessage(failure);
        if (message != null)
            return message;
        return failure.getMessage() != null ? failure.getMessage() : failure.toString();
    }
}
