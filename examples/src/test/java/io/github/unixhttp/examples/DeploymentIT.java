package io.github.unixhttp.examples;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deployment recipes under {@code examples/deploy}, run for real: nginx in front (and a browser through it),
 * HAProxy in front (PROXY protocol v2 and X-Forwarded-For), Caddy in front (h2c upstream), Apache httpd in front
 * (HTTP/1.1 and h2c upstream), systemd socket activation, s6, and the embedded desktop-style app.
 */
class DeploymentIT
{
    private static final Path DEPLOY = Path.of(System.getProperty("unixhttp.deployDir", "deploy"));
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path tmp;

    @Test
    void nginxProxiesToTheDemoAndItsForwardedAddressIsBelievedFromNginxOnly() throws Exception
    {
        Requirements.requireRoot();
        Requirements.requireCommand("nginx");
        Path dir = Files.createDirectory(tmp.resolve("run"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path socket = dir.resolve("demo.sock");
        int port = DemoProcess.freeLoopbackPort();
        Path prefix = Files.createDirectory(tmp.resolve("nginx"));
        String config = Files.readString(DEPLOY.resolve("nginx/unixhttp-demo.conf"))
            .replace("@PREFIX@", prefix.toString()).replace("@SOCKET@", socket.toString()).replace("@PORT@", Integer.toString(port));
        Path configFile = Files.writeString(prefix.resolve("nginx.conf"), config);

        try (DemoProcess demo = DemoProcess.start(tmp, "--socket", socket.toString(), "--mode", "0660", "--group", "www-data",
                 "--trust-proxy", "www-data");
             DemoProcess nginx = DemoProcess.start(tmp, List.of("nginx", "-p", prefix.toString(), "-c", configFile.toString()), Map.of()))
        {
            demo.awaitOutput("try: ");
            String base = "http://127.0.0.1:" + port;
            String page = DemoProcess.awaitHttp(base + "/admin/", nginx, WAIT);
            assertTrue(page.contains("<dd id=\"peer-user\">www-data</dd>"), "the peer behind nginx should be nginx's user: " + page);
            assertTrue(page.contains("<dd id=\"peer-client\">127.0.0.1</dd>"), "the forwarded client address: " + page);

            String viaNginx = Run.run(WAIT, "curl", "-sS", "--fail", base + "/whoami").requireSuccess().stdout();
            assertTrue(viaNginx.contains("\"user\":\"www-data\""), viaNginx);

            // A remote client's own forwarding headers pass through nginx unless the recipe replaces each one.
            assertShowsTheProxysView(spoofing(base + "/admin/"), "www-data", port);

            // A local user talking to the socket directly cannot pretend to be a remote client.
            String direct = Run.run(WAIT, "curl", "-sS", "--fail", "--unix-socket", socket.toString(), "-H", "X-Forwarded-For: 203.0.113.66",
                "http://localhost/").requireSuccess().stdout();
            assertTrue(direct.contains("<dd id=\"peer-client\">unix:pid="), direct);
            assertFalse(direct.contains("203.0.113.66"), direct);

            browserRendersTheAdminPage(base + "/admin/");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"unixhttp-demo-proxy-v2.cfg", "unixhttp-demo-forwardfor.cfg"})
    void haproxyProxiesToTheDemoAndTheClientsOwnForwardedHeadersAreNotBelieved(String recipe) throws Exception
    {
        Requirements.requireRoot();
        Requirements.requireCommand("haproxy");
        Path dir = Files.createDirectory(tmp.resolve("run"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path socket = dir.resolve("demo.sock");
        int port = DemoProcess.freeLoopbackPort();
        String config = Files.readString(DEPLOY.resolve("haproxy/" + recipe))
            .replace("@SOCKET@", socket.toString()).replace("@PORT@", Integer.toString(port));
        Path configFile = Files.writeString(tmp.resolve("haproxy.cfg"), config);
        Run.run(WAIT, "haproxy", "-c", "-f", configFile.toString()).requireSuccess();

        List<String> demoArguments = new ArrayList<>(List.of("--socket", socket.toString(), "--mode", "0660", "--group", "haproxy",
            "--trust-proxy", "haproxy"));
        boolean proxyProtocol = config.contains("send-proxy-v2");
        if (proxyProtocol)
            demoArguments.add("--proxy-protocol");
        try (DemoProcess demo = DemoProcess.start(tmp, demoArguments.toArray(String[]::new));
             DemoProcess haproxy = DemoProcess.start(tmp, List.of("haproxy", "-db", "-f", configFile.toString()), Map.of()))
        {
            demo.awaitOutput("try: ");
            String base = "http://127.0.0.1:" + port;
            String page = DemoProcess.awaitHttp(base + "/", haproxy, WAIT);
            assertTrue(page.contains("<dd id=\"peer-user\">haproxy</dd>"), "the peer behind haproxy should be haproxy's user: " + page);
            assertTrue(page.contains("<dd id=\"peer-client\">127.0.0.1</dd>"), "the client address haproxy saw: " + page);
            assertShowsTheProxysView(spoofing(base + "/"), "haproxy", port);

            // A local user talking to the socket directly cannot pretend to be a remote client either.
            List<String> direct = new ArrayList<>(List.of("curl", "-sS", "--unix-socket", socket.toString(), "-H",
                "X-Forwarded-For: 203.0.113.66"));
            if (proxyProtocol)
                direct.add("--haproxy-protocol");
            direct.add("http://localhost/");
            String answer = Run.run(WAIT, direct).requireSuccess().stdout();
            assertFalse(answer.contains("203.0.113.66") || answer.contains("<dd id=\"peer-client\">127.0.0.1</dd>"), answer);
        }
    }

    @Test
    void caddyProxiesToTheDemoOverH2cAndTheClientsOwnForwardedHeadersAreNotBelieved() throws Exception
    {
        Requirements.requireRoot();
        Requirements.requireCommand("caddy");
        Path socket = sharedSocketDirectory().resolve("demo.sock");
        int port = DemoProcess.freeLoopbackPort();
        // Caddy runs as its own user, as the Debian package's service runs it; its home is its own.
        Path home = Files.createDirectory(tmp.resolve("caddy-home"));
        Run.run(WAIT, "chown", "caddy:caddy", home.toString()).requireSuccess();
        String config = Files.readString(DEPLOY.resolve("caddy/Caddyfile"))
            .replace("@SOCKET@", socket.toString()).replace("@PORT@", Integer.toString(port));
        Path configFile = Files.writeString(tmp.resolve("Caddyfile"), config);
        Map<String, String> environment = Map.of("HOME", home.toString(), "XDG_DATA_HOME", home.toString(), "XDG_CONFIG_HOME", home.toString());
        List<String> caddy = List.of("setpriv", "--reuid", "caddy", "--regid", "caddy", "--init-groups",
            "caddy", "run", "--config", configFile.toString(), "--adapter", "caddyfile");
        try (DemoProcess demo = DemoProcess.start(tmp, "--socket", socket.toString(), "--mode", "0660", "--group", "caddy",
                 "--trust-proxy", "caddy", "--h2c");
             DemoProcess proxy = DemoProcess.start(tmp, caddy, environment))
        {
            demo.awaitOutput("try: ");
            String base = "http://127.0.0.1:" + port;
            String page = DemoProcess.awaitHttp(base + "/", proxy, WAIT);
            assertTrue(page.contains("<dd id=\"peer-user\">caddy</dd>"), "the peer behind Caddy should be Caddy's user: " + page);
            assertTrue(page.contains("<dd id=\"peer-protocol\">HTTP/2.0</dd>"), "Caddy should speak h2c to the app: " + page);
            assertShowsTheProxysView(spoofing(base + "/"), "caddy", port);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"unixhttp-demo.conf", "unixhttp-demo-h2c.conf"})
    void apacheProxiesToTheDemoAndTheClientsOwnForwardedHeadersAreNotBelieved(String recipe) throws Exception
    {
        Requirements.requireRoot();
        Requirements.requireCommand("apache2");
        Path socket = sharedSocketDirectory().resolve("demo.sock");
        int port = DemoProcess.freeLoopbackPort();
        Path prefix = Files.createDirectory(tmp.resolve("apache"));
        String config = Files.readString(DEPLOY.resolve("apache/" + recipe))
            .replace("@PREFIX@", prefix.toString()).replace("@SOCKET@", socket.toString()).replace("@PORT@", Integer.toString(port));
        Path configFile = Files.writeString(prefix.resolve("httpd.conf"), config);
        Run.run(WAIT, "apache2", "-t", "-f", configFile.toString()).requireSuccess();
        boolean h2c = config.contains("h2c://");
        List<String> demoArguments = new ArrayList<>(List.of("--socket", socket.toString(), "--mode", "0660", "--group", "www-data",
            "--trust-proxy", "www-data"));
        if (h2c)
            demoArguments.add("--h2c");
        try (DemoProcess demo = DemoProcess.start(tmp, demoArguments.toArray(String[]::new));
             DemoProcess proxy = DemoProcess.start(tmp, List.of("apache2", "-f", configFile.toString(), "-DFOREGROUND"), Map.of()))
        {
            demo.awaitOutput("try: ");
            String base = "http://127.0.0.1:" + port;
            String page = DemoProcess.awaitHttp(base + "/", proxy, WAIT);
            assertTrue(page.contains("<dd id=\"peer-user\">www-data</dd>"), "the peer behind Apache should be its user: " + page);
            assertTrue(page.contains("<dd id=\"peer-protocol\">" + (h2c ? "HTTP/2.0" : "HTTP/1.1") + "</dd>"), page);
            assertShowsTheProxysView(spoofing(base + "/"), "www-data", port);
        }
    }

    /** A directory for the socket that the proxy's user may enter (JUnit makes temporary directories 0700). */
    private Path sharedSocketDirectory() throws Exception
    {
        Path dir = Files.createDirectory(tmp.resolve("run"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    /** Every forwarding header a client might send to be taken for someone else. */
    private static final List<String> SPOOFED = List.of(
        "Forwarded: for=\"6.6.6.6:1\";host=evil.example;proto=https",
        "X-Forwarded-For: 6.6.6.6",
        "X-Forwarded-Host: evil.example",
        "X-Forwarded-Port: 6666",
        "X-Forwarded-Proto: https",
        "X-Forwarded-Server: evil.example",
        "X-Proxied-Https: on",
        "Proxy-auth-cert: spoofed",
        "Proxy-ssl-id: spoofed",
        "X-Real-IP: 6.6.6.6");

    /** The admin page, asked for through the proxy by a client sending {@link #SPOOFED} headers. */
    private static String spoofing(String url) throws Exception
    {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--fail"));
        for (String header : SPOOFED)
            command.addAll(List.of("-H", header));
        command.add(url);
        return Run.run(WAIT, command).requireSuccess().stdout();
    }

    private static void assertShowsTheProxysView(String page, String proxyUser, int port)
    {
        assertTrue(page.contains("<dd id=\"peer-user\">" + proxyUser + "</dd>"), page);
        assertTrue(page.contains("<dd id=\"peer-client\">127.0.0.1</dd>"), "the client as the proxy saw it: " + page);
        assertTrue(page.contains("<dd id=\"peer-url\">http://127.0.0.1:" + port + "/</dd>"), "the URL as the proxy saw it: " + page);
        for (String spoofed : new String[]{"6.6.6.6", "evil.example", ":6666/", "https:"})
            assertFalse(page.contains(spoofed), "the client's own header was believed (" + spoofed + "): " + page);
    }

    private void browserRendersTheAdminPage(String url) throws Exception
    {
        Requirements.requireCommand("chromium");
        Path profile = Files.createDirectory(tmp.resolve("chromium-profile"));
        List<String> chromium = new ArrayList<>(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--user-data-dir=" + profile));
        List<String> dumpDom = new ArrayList<>(chromium);
        dumpDom.addAll(List.of("--dump-dom", url));
        String dom = Run.run(WAIT, dumpDom).requireSuccess().stdout();
        assertTrue(dom.contains("<dd id=\"peer-user\">www-data</dd>") && dom.contains("<dd id=\"peer-uid\">33</dd>"), dom);

        Path screenshot = Path.of(System.getProperty("unixhttp.screenshot", tmp.resolve("admin-page.png").toString()));
        Files.deleteIfExists(screenshot);
        List<String> shoot = new ArrayList<>(chromium);
        shoot.addAll(List.of("--hide-scrollbars", "--window-size=1100,700", "--screenshot=" + screenshot, url));
        Run.run(WAIT, shoot).requireSuccess();
        assertTrue(Files.size(screenshot) > 10_000, "the screenshot is suspiciously small");
        System.out.println("Admin page screenshot: " + screenshot);
    }

    @Test
    void systemdUnitsVerifyAndSocketActivationServesTheDemo() throws Exception
    {
        Requirements.requireCommand("systemd-socket-activate");
        String socketUnit = Files.readString(DEPLOY.resolve("systemd/unixhttp-demo.socket"));
        String serviceUnit = Files.readString(DEPLOY.resolve("systemd/unixhttp-demo.service"));
        assertTrue(socketUnit.contains("ListenStream=/run/unixhttp-demo.sock") && socketUnit.contains("SocketMode=0660"));
        assertTrue(serviceUnit.contains("--inherit"));
        if (Requirements.findCommand("systemd-analyze") != null)
        {
            // The service's jar lives at /opt/unixhttp in a real install: point a copy at this build's jar.
            Path units = Files.createDirectory(tmp.resolve("units"));
            Files.writeString(units.resolve("unixhttp-demo.socket"), socketUnit);
            Files.writeString(units.resolve("unixhttp-demo.service"), serviceUnit
                .replace("/usr/bin/java", DemoProcess.javaExecutable()).replace("/opt/unixhttp/unixhttp-demo.jar", DemoProcess.JAR.toString()));
            Run.Result verify = Run.run(WAIT, "systemd-analyze", "verify", "--man=no", units.resolve("unixhttp-demo.socket").toString(),
                units.resolve("unixhttp-demo.service").toString());
            System.out.println("systemd-analyze verify: exit " + verify.exitCode() + " " + verify.stderr().strip());
            assertEquals(0, verify.exitCode(), "systemd-analyze found fault in the units: " + verify.stderr());
        }
        Path socket = tmp.resolve("demo.sock");
        List<String> command = new ArrayList<>(List.of("systemd-socket-activate", "-l", socket.toString(), "--fdname=demo",
            DemoProcess.javaExecutable(), "-jar", DemoProcess.JAR.toString(), "--inherit"));
        try (DemoProcess activated = DemoProcess.start(tmp, command, Map.of()))
        {
            // Not just the file: it exists from bind(2), a moment before listen(2).
            activated.awaitErrors("Listening on " + socket);
            String json = Run.run(WAIT, "curl", "-sS", "--fail", "-m", "60", "--unix-socket", socket.toString(), "http://localhost/whoami")
                .requireSuccess().stdout();
            assertTrue(json.contains("\"user\":\"root\""), json);
            assertTrue(activated.awaitOutput("try: ").contains("listening on unix:" + socket + " (inherited)"));
            assertEquals(0, activated.terminate(), activated.errors());
            assertTrue(activated.output().endsWith("stopped\n"), activated.output());
            assertTrue(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "the supervisor's socket was removed");
        }
    }

    @Test
    void s6RunScriptServesTheDemo() throws Exception
    {
        Requirements.requireCommand("s6-ipcserver-socketbinder");
        Path socket = tmp.resolve("demo.sock");
        try (DemoProcess service = DemoProcess.start(tmp, List.of("sh", DEPLOY.resolve("s6/run").toString()),
            Map.of("UNIXHTTP_SOCKET", socket.toString(), "UNIXHTTP_JAR", DemoProcess.JAR.toString(),
                "PATH", Path.of(DemoProcess.javaExecutable()).getParent() + ":" + System.getenv("PATH"))))
        {
            assertTrue(service.awaitOutput("try: ").startsWith("listening on unix:" + socket + " (inherited)"));
            assertEquals("660", Run.run(WAIT, "stat", "-c", "%a", socket.toString()).requireSuccess().stdout().trim());
            String json = Run.run(WAIT, "curl", "-sS", "--fail", "--unix-socket", socket.toString(), "http://localhost/whoami")
                .requireSuccess().stdout();
            assertTrue(json.contains("\"uid\":0"), json);
            assertEquals(0, service.terminate(), service.errors());
            assertTrue(service.output().endsWith("stopped\n"), service.output());
            assertTrue(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "the supervisor's socket was removed");
        }
    }

    @Test
    void embeddedAppServesItselfAndCallsItselfWithTheSameUserCheck() throws Exception
    {
        for (String endpoint : new String[]{"@unixhttp-embedded-test-" + ProcessHandle.current().pid(), tmp.resolve("app.sock").toString()})
        {
            Run.Result run = Run.run(WAIT, DemoProcess.javaExecutable(), "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "-cp",
                DemoProcess.JAR.toString(), "io.github.unixhttp.examples.embedded.EmbeddedApp", endpoint).requireSuccess();
            assertTrue(run.stdout().startsWith("served on unix:" + endpoint + " and asked it: state: ready, asked by unix:pid="), run.stdout());
        }
        assertFalse(Files.exists(tmp.resolve("app.sock"), LinkOption.NOFOLLOW_LINKS), "the embedded app left its socket file");
    }
}
