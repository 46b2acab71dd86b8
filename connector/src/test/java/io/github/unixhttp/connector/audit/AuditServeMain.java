package io.github.unixhttp.connector.audit;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.connector.binding.SocketFileMode;
import io.github.unixhttp.connector.policy.PeerPolicy;
import io.github.unixhttp.testing.TestServer;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;

/**
 * A test server with an {@link AuditTrail}, in a JVM of its own so that slf4j-simple's log file (one per JVM) is
 * this server's. Serves HTTP/1.1 and h2c.
 *
 * <pre>
 * PATH [--allow-uid UID] [--mode OCTAL] [--window-ms MS] [--max-lines N] [--read-process] [--key-value-pairs]
 *     prints "LISTENING" (or "FAILED message"), serves until stdin closes, then stops and prints "STOPPED"
 * </pre>
 */
public final class AuditServeMain
{
    private AuditServeMain()
    {
    }

    public static void main(String[] args) throws Exception
    {
        AuditTrail trail = new AuditTrail();
        // slf4j-simple writes key-value pairs into the line, before the JSON: on only when a test asks.
        trail.setKeyValuePairs(false);
        HttpConfiguration http = UnixSocketConnector.newHttpConfiguration();
        TestServer server;
        try
        {
            server = TestServer.start(Path.of(args[0]), connector -> configure(connector, trail, args),
                new HttpConnectionFactory(http), new HTTP2CServerConnectionFactory(http));
        }
        catch (Exception failure)
        {
            System.out.println("FAILED " + failure);
            System.exit(1);
            return;
        }
        System.out.println("LISTENING");
        System.out.flush();
        try (BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)))
        {
            while (stdin.readLine() != null)
            {
                // serve until stdin closes
            }
        }
        server.close();
        System.out.println("STOPPED");
        System.out.flush();
    }

    private static void configure(UnixSocketConnector connector, AuditTrail trail, String[] args)
    {
        for (int i = 1; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--allow-uid" -> connector.setPeerPolicy(PeerPolicy.builder().allowUid(Integer.parseInt(args[++i])).build());
                case "--mode" -> connector.setSocketFile(connector.getSocketFile().toBuilder().mode(SocketFileMode.parse(args[++i])).build());
                case "--window-ms" -> trail.setRefusalWindowMillis(Long.parseLong(args[++i]));
                case "--max-lines" -> trail.setMaxRefusalLinesPerSecond(Integer.parseInt(args[++i]));
                case "--read-process" -> connector.setReadPeerProcess(true);
                case "--key-value-pairs" -> trail.setKeyValuePairs(true);
                default -> throw new IllegalArgumentException(args[i]);
            }
        }
        connector.addBean(trail);
    }
}
