package io.github.unixhttp.connector.policy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.github.unixhttp.connector.SocketFileOptions;
import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.connector.binding.SocketFileMode;
import io.github.unixhttp.core.PeerCredentials;
import io.github.unixhttp.connector.credentials.PeerListener;
import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import io.github.unixhttp.testing.Scripts;
import io.github.unixhttp.testing.TestServer;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ProxyConnectionFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.github.unixhttp.connector.internal.policy.RefusalConnection;

/**
 * The connector admits or refuses peers at accept by their credentials, and believes forwarded client
 * addresses only from trusted proxies; clients run as root and as a second user.
 */
class PeerPolicyTest
{
    private static final int EXTRA_GROUP = 4242;

    @TempDir
    Path tmp;
    Path dir;

    @BeforeEach
    void prepare() throws Exception
    {
        Requirements.requireRoot();
        Requirements.requireCommand("curl");
        dir = Run.openToOthers(tmp);
        Scripts.copy("send_raw.py", dir);
    }

    @Test
    void refusedPeerGets403AndNoHandlerRunsAndListenersGetTheReason() throws Exception
    {
        List<String> refusals = new CopyOnWriteArrayList<>();
        try (TestServer server = start(PeerPolicy.builder().allowUid(0).build(), connector -> connector.addEventListener(new PeerListener()
        {
            @Override
            public void onRefused(PeerCredentials peer, String reason)
            {
                refusals.add(peer.uid() + ": " + reason);
            }
        })))
        {
            Run.Result refused = curl(server, true, new int[0]);
            assertEquals("Forbidden: " + RefusalConnection.MESSAGE + "\n\n403", refused.stdout());
            assertEquals(0, server.handler().handled(), "a handler ran for a refused peer");
            assertEquals(1, server.connector().getRefusedConnections());
            assertEquals(1, refusals.size());
            assertTrue(refusals.get(0).startsWith("65534: ") && refusals.get(0).contains("uid=65534(nobody)") &&
                refusals.get(0).contains("is not allowed here (allowed: uids [0])"), refusals.toString());

            assertTrue(curl(server, false, new int[0]).stdout().endsWith("hello\n200"));
            assertEquals(1, server.handler().handled());
        }
    }

    @Test
    void userNameRuleAdmitsThatUserOnly() throws Exception
    {
        try (TestServer server = start(PeerPolicy.builder().allowUser("nobody").build(), connector -> {}))
        {
            assertStatus(200, curl(server, true, new int[0]));
            assertStatus(403, curl(server, false, new int[0]));
        }
    }

    @Test
    void gidRuleMatchesASupplementaryGroup() throws Exception
    {
        Requirements.requireLinuxLayer("supplementary groups (SO_PEERGROUPS)");
        try (TestServer server = start(PeerPolicy.builder().allowGid(EXTRA_GROUP).build(), connector -> {}))
        {
            assertStatus(200, curl(server, true, new int[]{27, EXTRA_GROUP}));
            assertStatus(403, curl(server, true, new int[]{27}));
            assertStatus(403, curl(server, false, new int[0]));
        }
    }

    @Test
    void groupNameRuleMatchesThePrimaryGroup() throws Exception
    {
        try (TestServer server = start(PeerPolicy.builder().allowGroup("nogroup").build(), connector -> {}))
        {
            assertStatus(200, curl(server, true, new int[0]));
            assertStatus(403, curl(server, false, new int[0]));
        }
    }

    @Test
    void sameUserRuleAdmitsOnlyTheServersUser() throws Exception
    {
        try (TestServer server = start(PeerPolicy.builder().allowSameUser().build(), connector -> {}))
        {
            assertStatus(200, curl(server, false, new int[0]));
            assertStatus(403, curl(server, true, new int[0]));
        }
    }

    @Test
    void combinedRulesMustAllHold() throws Exception
    {
        Requirements.requireLinuxLayer("supplementary groups (SO_PEERGROUPS)");
        PeerPolicy nobodyInTheExtraGroup = PeerPolicy.allOf(
            PeerPolicy.builder().allowUser("nobody").build(),
            PeerPolicy.builder().allowGid(EXTRA_GROUP).build());
        try (TestServer server = start(nobodyInTheExtraGroup, connector -> {}))
        {
            assertStatus(200, curl(server, true, new int[]{EXTRA_GROUP}));
            assertStatus(403, curl(server, true, new int[0]));
            assertStatus(403, curl(server, false, new int[0]));
        }
    }

    @Test
    void forwardedHeadersAreBelievedFromTheTrustedProxyOnly() throws Exception
    {
        HttpConfiguration config = UnixSocketConnector.newHttpConfiguration();
        config.addCustomizer(new TrustedForwardedCustomizer());
        try (TestServer server = start(PeerPolicy.allowAll(),
            connector -> connector.setTrustedProxies(PeerPolicy.builder().allowUser("nobody").build()), new HttpConnectionFactory(config)))
        {
            String fromProxy = curl(server, true, new int[0], "/info", "-H", "X-Forwarded-For: 203.0.113.9").stdout();
            assertTrue(fromProxy.contains("remote=203.0.113.9\n"), fromProxy);
            String fromLocalUser = curl(server, false, new int[0], "/info", "-H", "X-Forwarded-For: 203.0.113.9").stdout();
            assertTrue(fromLocalUser.contains("remote=\n") && fromLocalUser.contains("peer.uid=0\n"), fromLocalUser);
        }
    }

    @Test
    void proxyProtocolIsParsedForTheTrustedProxyOnly() throws Exception
    {
        try (TestServer server = start(PeerPolicy.allowAll(),
            connector -> connector.setTrustedProxies(PeerPolicy.builder().allowUser("nobody").build()),
            new ProxyConnectionFactory(), new HttpConnectionFactory(UnixSocketConnector.newHttpConfiguration())))
        {
            String proxied = "PROXY TCP4 203.0.113.7 192.0.2.1 51000 80\r\nGET /info HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
            String fromProxy = sendRaw(server, true, proxied);
            assertTrue(fromProxy.contains("remote=203.0.113.7\n"), fromProxy);
            String fromLocalUser = sendRaw(server, false, proxied);
            assertTrue(fromLocalUser.startsWith("HTTP/1.1 400 "), fromLocalUser);
            String plain = sendRaw(server, false, "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertTrue(plain.startsWith("HTTP/1.1 200 ") && plain.endsWith("hello"), plain);
        }
    }

    private TestServer start(PeerPolicy policy, Consumer<UnixSocketConnector> more, ConnectionFactory... factories) throws Exception
    {
        return TestServer.start(dir.resolve("app.sock"), connector ->
        {
            connector.setSocketFile(SocketFileOptions.builder().mode(SocketFileMode.of(0666)).build());
            connector.setPeerPolicy(policy);
            more.accept(connector);
        }, factories);
    }

    private static Run.Result curl(TestServer server, boolean asOther, int[] groups) throws Exception
    {
        return curl(server, asOther, groups, "/");
    }

    private static Run.Result curl(TestServer server, boolean asOther, int[] groups, String path, String... extra) throws Exception
    {
        List<String> command = new java.util.ArrayList<>(List.of("curl", "-sS", "-w", "\n%{http_code}", "--unix-socket",
            server.socket().toString()));
        command.addAll(List.of(extra));
        command.add("http://localhost" + path);
        return Run.run(Duration.ofSeconds(20), asOther ? Run.asOtherUser(command, groups) : command).requireSuccess();
    }

    private String sendRaw(TestServer server, boolean asOther, String payload) throws Exception
    {
        List<String> command = List.of("/usr/bin/python3", dir.resolve("send_raw.py").toString(), server.socket().toString(),
            HexFormat.of().formatHex(payload.getBytes(StandardCharsets.ISO_8859_1)));
        return Run.run(Duration.ofSeconds(20), asOther ? Run.asOtherUser(command) : command).requireSuccess().stdout();
    }

    private static void assertStatus(int status, Run.Result result)
    {
        assertTrue(result.stdout().endsWith("\n" + status), result.stdout());
    }
}
