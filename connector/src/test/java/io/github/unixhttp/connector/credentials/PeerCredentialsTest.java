package io.github.unixhttp.connector.credentials;

import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.core.PeerCredentials;
import io.github.unixhttp.connector.SocketFileOptions;
import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.connector.UnixSocketCustomizer;
import io.github.unixhttp.connector.binding.SocketFileMode;
import io.github.unixhttp.testing.ChildJvm;
import io.github.unixhttp.testing.Exchange;
import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import io.github.unixhttp.testing.Scripts;
import io.github.unixhttp.testing.TestServer;
import io.github.unixhttp.testing.WhoAmI;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.CustomRequestLog;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel's word on who connected reaches handlers, servlets and logs, and matches the client process.
 */
class PeerCredentialsTest
{
    @org.junit.jupiter.api.BeforeEach
    void needsTheLinuxLayer()
    {
        Requirements.requireLinuxLayer("the peer pid and supplementary groups (SO_PEERCRED, SO_PEERGROUPS)");
    }

    @TempDir
    Path tmp;

    @Test
    void rootClientIsSeenWithItsOwnPidUidGidAndGroups() throws Exception
    {
        Requirements.requireCommand("python3");
        try (TestServer server = TestServer.start(tmp.resolve("app.sock")))
        {
            Map<String, String> seen = WhoAmI.parse(Run.run(Duration.ofSeconds(20),
                List.of("/usr/bin/python3", Scripts.copy("whoami_client.py", tmp).toString(), server.socket().toString())));
            assertEquals(seen.get("client.pid"), seen.get("peer.pid"));
            assertEquals("0", seen.get("peer.uid"));
            assertEquals("0", seen.get("peer.gid"));
            assertEquals(seen.get("client.groups"), seen.get("peer.groups"));
            assertEquals("root", seen.get("peer.user"));
            assertEquals("root", seen.get("peer.group"));
        }
    }

    @Test
    void otherUserWithSupplementaryGroupsIsSeenAsItIs() throws Exception
    {
        Requirements.requireRoot();
        Path dir = Run.openToOthers(tmp);
        try (TestServer server = TestServer.start(dir.resolve("app.sock"), connector -> connector.setSocketFile(SocketFileOptions.builder().mode(SocketFileMode.of(0666)).build())))
        {
            Path script = Scripts.copy("whoami_client.py", dir);
            Map<String, String> seen = WhoAmI.parse(Run.run(Duration.ofSeconds(20),
                Run.asOtherUser(List.of("/usr/bin/python3", script.toString(), server.socket().toString()), 27, 100, 4242)));
            assertEquals(seen.get("client.pid"), seen.get("peer.pid"));
            assertEquals("65534", seen.get("peer.uid"));
            assertEquals("65534", seen.get("peer.gid"));
            assertEquals("27,100,4242", seen.get("peer.groups"));
            assertEquals(seen.get("client.groups"), seen.get("peer.groups"));
            assertEquals("nobody", seen.get("peer.user"));
            assertEquals("nogroup", seen.get("peer.group"));
        }
    }

    @Test
    void servletsSeeTheCredentialsAsRequestAttributes() throws Exception
    {
        Server server = new Server();
        UnixSocketConnector connector = new UnixSocketConnector(server);
        connector.setSocketPath(tmp.resolve("app.sock"));
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new HttpServlet()
        {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws java.io.IOException
            {
                response.getWriter().print("uid=" + request.getAttribute(PeerCredentials.UID_ATTRIBUTE) +
                    " pid=" + request.getAttribute(PeerCredentials.PID_ATTRIBUTE) +
                    " user=" + request.getAttribute(PeerCredentials.USER_ATTRIBUTE) +
                    " remote=" + request.getRemoteAddr());
            }
        }, "/*");
        server.setHandler(context);
        server.start();
        try
        {
            String body = Exchange.get(connector.getSocketPath(), "/whoami");
            long pid = ProcessHandle.current().pid();
            // Jetty's contract: an unnamed client's address is an empty UnixDomainSocketAddress; who it is, is in the attributes.
            assertTrue(body.contains("\r\n\r\nuid=0 pid=" + pid + " user=root remote="), body);
            assertTrue(body.endsWith("remote="), body);
        }
        finally
        {
            server.stop();
        }
    }

    @Test
    void handlersMayShadowRemoveAndListThePeerAttributesLikeAnyOthers() throws Exception
    {
        Server server = new Server();
        UnixSocketConnector connector = new UnixSocketConnector(server);
        connector.setSocketPath(tmp.resolve("app.sock"));
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract()
        {
            @Override
            public boolean handle(Request request, Response response, Callback callback)
            {
                StringBuilder seen = new StringBuilder();
                seen.append("uid=").append(request.getAttribute(PeerCredentials.UID_ATTRIBUTE));
                seen.append(" listed=").append(request.getAttributeNameSet().containsAll(
                    List.of(PeerCredentials.ATTRIBUTE, PeerCredentials.UID_ATTRIBUTE, PeerCredentials.PID_ATTRIBUTE)));
                request.setAttribute("app.key", "app-value");
                seen.append(" app=").append(request.getAttribute("app.key"));
                request.setAttribute(PeerCredentials.UID_ATTRIBUTE, "shadowed");
                seen.append(" shadowed=").append(request.getAttribute(PeerCredentials.UID_ATTRIBUTE));
                request.removeAttribute(PeerCredentials.UID_ATTRIBUTE);
                seen.append(" removed=").append(request.getAttribute(PeerCredentials.UID_ATTRIBUTE));
                seen.append(" unlisted=").append(!request.getAttributeNameSet().contains(PeerCredentials.UID_ATTRIBUTE));
                seen.append(" pid=").append(request.getAttribute(PeerCredentials.PID_ATTRIBUTE));
                seen.append(" peer=").append(UnixSocketCustomizer.peerOf(request) != null);
                seen.append(" map=").append(request.asAttributeMap().get("app.key"));
                Content.Sink.write(response, true, seen.toString(), callback);
                return true;
            }
        });
        server.start();
        try
        {
            String body = Exchange.get(connector.getSocketPath(), "/attributes");
            long pid = ProcessHandle.current().pid();
            assertTrue(body.endsWith("\r\n\r\nuid=0 listed=true app=app-value shadowed=shadowed removed=null unlisted=true pid=" + pid +
                " peer=true map=app-value"), body);
        }
        finally
        {
            server.stop();
        }
    }

    @Test
    void requestLogShowsThePeersPidAndUid() throws Exception
    {
        StringWriter log = new StringWriter();
        CountDownLatch logged = new CountDownLatch(1);
        try (TestServer server = TestServer.start(tmp.resolve("app.sock"), connector -> {}))
        {
            server.server().setRequestLog(new CustomRequestLog(new RequestLog.Writer()
            {
                @Override
                public synchronized void write(String line)
                {
                    log.write(line + "\n");
                    logged.countDown();
                }
            }, PeerCredentials.REQUEST_LOG_FORMAT));
            Exchange.get(server.socket(), "/logged");
            // The log is written after the response completes.
            assertTrue(logged.await(30, TimeUnit.SECONDS), "nothing was logged");
        }
        String line = log.toString();
        // CustomRequestLog quotes values holding punctuation.
        assertTrue(line.startsWith("\"pid=" + ProcessHandle.current().pid() + ",uid=0(root),gid=0(root),groups="), line);
        assertTrue(line.contains(" \"GET /logged HTTP/1.1\" 200 "), line);
    }

    @Test
    void peerListenerSeesEachAcceptedConnection() throws Exception
    {
        List<PeerCredentials> accepted = new CopyOnWriteArrayList<>();
        try (TestServer server = TestServer.start(tmp.resolve("app.sock"), connector -> connector.addEventListener(new PeerListener()
        {
            @Override
            public void onAccepted(PeerCredentials peer)
            {
                accepted.add(peer);
            }
        })))
        {
            Exchange.get(server.socket(), "/");
            Exchange.get(server.socket(), "/");
        }
        assertEquals(2, accepted.size());
        assertEquals(ProcessHandle.current().pid(), accepted.get(0).pid());
        assertEquals(PeerCredentials.Field.values().length, accepted.get(0).known().size());
    }

    @Test
    void withoutTheExportFlagOnlyNamesAreKnownAndTheLogSaysWhy() throws Exception
    {
        Requirements.requireCommand("curl");
        Path socket = tmp.resolve("app.sock");
        try (ChildJvm child = ChildJvm.start(false, null, false, "serve", socket.toString()))
        {
            assertEquals("LISTENING", child.readLine());
            String info = Run.run(Duration.ofSeconds(20), "curl", "-sS", "--unix-socket", socket.toString(), "http://localhost/info")
                .requireSuccess().stdout();
            assertTrue(info.contains("peer=uid=root,gid=root\n"), info);
            assertTrue(info.contains("peer.pid=null") && info.contains("peer.uid=null") && info.contains("peer.groups=null"), info);
            assertTrue(info.contains("peer.user=root") && info.contains("peer.group=root"), info);
            Run.run(Duration.ofSeconds(20), "curl", "-sS", "--unix-socket", socket.toString(), "http://localhost/").requireSuccess();
            assertEquals(0, child.stop());
            String stderr = child.stderr();
            assertEquals(1, stderr.lines().filter(line -> line.contains("--add-exports java.base/sun.nio.ch=ALL-UNNAMED")).count(), stderr);
            assertFalse(stderr.contains("Exception"), stderr);
        }
    }
}
