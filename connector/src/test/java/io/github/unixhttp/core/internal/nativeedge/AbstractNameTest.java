package io.github.unixhttp.core.internal.nativeedge;

import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import io.github.unixhttp.connector.SocketFileOptions;
import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.connector.binding.SocketFileMode;
import io.github.unixhttp.core.internal.ListeningSocket;
import io.github.unixhttp.connector.policy.PeerPolicy;
import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import io.github.unixhttp.testing.Scripts;
import io.github.unixhttp.testing.TestServer;
import io.github.unixhttp.testing.WhoAmI;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Linux abstract names ({@code @name}): same HTTP, credentials and policy as path sockets, no file at all.
 */
class AbstractNameTest
{
    @org.junit.jupiter.api.BeforeEach
    void needsTheLinuxLayer()
    {
        Requirements.requireLinuxLayer("abstract names");
    }

    @TempDir
    Path tmp;
    String name;

    @BeforeEach
    void uniqueName()
    {
        Requirements.requireCommand("curl");
        name = "unixhttp-test-" + UUID.randomUUID();
    }

    @Test
    void curlGetsHttp11AndTenMegabytesEachWay() throws Exception
    {
        int size = 10 * 1024 * 1024;
        byte[] upload = new byte[size];
        new Random(7).nextBytes(upload);
        Path uploadFile = Files.write(tmp.resolve("upload.bin"), upload);
        Path echoed = tmp.resolve("echoed.bin");
        Path downloaded = tmp.resolve("downloaded.bin");
        try (TestServer server = TestServer.start(connector -> connector.setSocket("@" + name)))
        {
            // curl 7.88 will not reuse a connection to an abstract socket ("still name resolving"): see the
            // Python test for keep-alive.
            assertEquals("hellohello", curl("http://localhost/a", "http://localhost/b").stdout());
            curl("--fail", "--data-binary", "@" + uploadFile, "-o", echoed.toString(), "http://localhost/echo");
            curl("--fail", "-o", downloaded.toString(), "http://localhost/bytes?n=" + size);
            assertEquals(4, server.handler().handled());
        }
        assertArrayEquals(upload, Files.readAllBytes(echoed));
        assertArrayEquals("0123456789abcdef".repeat(size / 16).getBytes(), Files.readAllBytes(downloaded));
    }

    @Test
    void pythonKeepsOneConnectionForSeveralRequests() throws Exception
    {
        java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
        try (TestServer server = TestServer.start(connector ->
        {
            connector.setSocket("@" + name);
            connector.addEventListener(new io.github.unixhttp.connector.credentials.PeerListener()
            {
                @Override
                public void onAccepted(io.github.unixhttp.core.PeerCredentials peer)
                {
                    connections.incrementAndGet();
                }
            });
        }))
        {
            String out = Run.run(Duration.ofSeconds(20), List.of("/usr/bin/python3",
                Scripts.copy("python_http_client.py", tmp).toString(), "@" + name)).requireSuccess().stdout();
            assertTrue(out.contains("info-status 200") && out.contains("echo-body ping from python"), out);
            assertEquals(2, server.handler().handled());
            assertEquals(1, connections.get(), "two requests should have shared one connection");
        }
    }

    @Test
    void curlSpeaksH2cWithPriorKnowledge() throws Exception
    {
        HttpConfiguration config = UnixSocketConnector.newHttpConfiguration();
        try (TestServer server = TestServer.start(null, connector -> connector.setSocket("@" + name),
            new HttpConnectionFactory(config), new HTTP2CServerConnectionFactory(config)))
        {
            String info = curl("--http2-prior-knowledge", "http://localhost/info").stdout();
            assertTrue(info.contains("version=HTTP/2.0") && info.contains("local=@" + name), info);
        }
    }

    @Test
    void pythonClientIsSeenWithItsCredentials() throws Exception
    {
        try (TestServer server = TestServer.start(connector -> connector.setSocket("@" + name)))
        {
            Map<String, String> seen = WhoAmI.parse(Run.run(Duration.ofSeconds(20),
                List.of("/usr/bin/python3", Scripts.copy("whoami_client.py", tmp).toString(), "@" + name)));
            assertEquals(seen.get("client.pid"), seen.get("peer.pid"));
            assertEquals("0", seen.get("peer.uid"));
            assertEquals("root", seen.get("peer.user"));
        }
    }

    @Test
    void peerPolicyIsTheAccessControlOfAnAbstractSocket() throws Exception
    {
        Requirements.requireRoot();
        try (TestServer server = TestServer.start(connector ->
        {
            connector.setSocket("@" + name);
            connector.setPeerPolicy(PeerPolicy.builder().allowUid(0).build());
        }))
        {
            Run.Result other = Run.run(Duration.ofSeconds(20), Run.asOtherUser(List.of("curl", "-sS", "-w", "\n%{http_code}",
                "--abstract-unix-socket", name, "http://localhost/"))).requireSuccess();
            assertTrue(other.stdout().startsWith("Forbidden: ") && other.stdout().endsWith("\n403"), other.stdout());
            assertEquals("hello", curl("http://localhost/").stdout());
            assertEquals(1, server.handler().handled());
            assertEquals(1, server.connector().getRefusedConnections());
        }
    }

    @Test
    void withoutAPolicyAnAbstractNameAdmitsOnlyThisUserAndAllowAllOpensIt() throws Exception
    {
        Requirements.requireRoot();
        List<String> otherCurl = Run.asOtherUser(List.of("curl", "-sS", "-w", "\n%{http_code}", "--abstract-unix-socket", name,
            "http://localhost/"));
        try (TestServer server = TestServer.start(connector -> connector.setSocket("@" + name)))
        {
            assertEquals(PeerPolicy.sameUser(), server.connector().getPeerPolicy());
            assertTrue(Run.run(Duration.ofSeconds(20), otherCurl).requireSuccess().stdout().endsWith("\n403"));
            assertEquals("hello", curl("http://localhost/").stdout());
        }
        try (TestServer server = TestServer.start(connector ->
        {
            connector.setSocket("@" + name);
            connector.setPeerPolicy(PeerPolicy.allowAll());
        }))
        {
            assertEquals("hello\n200", Run.run(Duration.ofSeconds(20), otherCurl).requireSuccess().stdout());
        }
    }

    @Test
    void anAbstractNameIsServedOnTheJdksOwnChannelAndSelector() throws Exception
    {
        // The tests run with --add-exports java.base/sun.nio.ch, as the README says to run servers.
        try (ListeningSocket listening = NativeEdge.bindAbstractName(name, 16))
        {
            assertFalse(listening.needsNativeSelector());
            assertSame(SelectorProvider.provider(), listening.channel().provider());
            assertEquals("@" + name, listening.localAddress().toString());
            try (SocketChannel client = NativeEdge.connectAbstractName(name))
            {
                try (SocketChannel accepted = listening.accept())
                {
                    assertSame(SelectorProvider.provider(), accepted.provider());
                }
            }
        }
    }

    @Test
    void aNameInUseByALiveServerFailsClearly() throws Exception
    {
        try (TestServer live = TestServer.start(connector -> connector.setSocket("@" + name)))
        {
            Exception failure = assertThrows(Exception.class, () -> TestServer.start(connector -> connector.setSocket("@" + name)));
            assertTrue(String.valueOf(messages(failure)).contains("the abstract name is in use by a live server"), messages(failure));
            assertEquals("hello", curl("http://localhost/").stdout());
        }
    }

    @Test
    void nothingIsLeftToCleanUpAfterStop() throws Exception
    {
        TestServer.start(connector -> connector.setSocket("@" + name)).close();
        // The name is free again at once, and no file was ever made.
        try (TestServer again = TestServer.start(connector -> connector.setSocket("@" + name)))
        {
            assertEquals("hello", curl("http://localhost/").stdout());
        }
        Run.Result gone = Run.run(Duration.ofSeconds(20), "curl", "-sS", "--abstract-unix-socket", name, "http://localhost/");
        assertEquals(7, gone.exitCode(), "connecting after stop: " + gone.stderr());
    }

    @Test
    void aModeOnAnAbstractSocketIsAConfigurationError() throws Exception
    {
        Exception failure = assertThrows(Exception.class, () -> TestServer.start(connector ->
        {
            connector.setSocket("@" + name);
            connector.setSocketFile(SocketFileOptions.builder().mode(SocketFileMode.of(0600)).build());
        }));
        assertTrue(messages(failure).contains("An abstract socket has no file, hence no mode or group") &&
            messages(failure).contains("setPeerPolicy"), messages(failure));
    }

    @Test
    void badNamesAreRefusedWhenConfigured()
    {
        io.github.unixhttp.connector.UnixSocketConnector connector = new io.github.unixhttp.connector.UnixSocketConnector(new org.eclipse.jetty.server.Server());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> connector.setSocket("@")).getMessage().contains("empty"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> connector.setSocket("@with space")).getMessage().contains("printable ASCII"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> connector.setSocket("@" + "n".repeat(107))).getMessage().contains("at most 106"));
    }

    private Run.Result curl(String... arguments) throws Exception
    {
        List<String> command = new java.util.ArrayList<>(List.of("curl", "-sS", "--abstract-unix-socket", name));
        command.addAll(List.of(arguments));
        return Run.run(Duration.ofSeconds(60), command).requireSuccess();
    }

    private static String messages(Throwable failure)
    {
        StringBuilder all = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause())
            all.append(cause.getMessage()).append(" / ");
        return all.toString();
    }
}
