package io.github.unixhttp.jettyhome;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import io.github.unixhttp.jettyhome.webapp.PeerServlet;
import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The module in real jetty-home distributions from Maven Central, installed as its README says: the jetty-base
 * archive unpacked into a fresh $JETTY_BASE, {@code --add-modules=unixhttp,ee10-deploy}, properties in
 * {@code start.d/unixhttp.ini}, {@code java -jar start.jar}. A war deployed there is reached with curl over the socket.
 */
class JettyHomeModuleIT
{
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path ARCHIVE = Path.of(System.getProperty("unixhttp.jettyBaseArchive", "target/unixhttp-jetty-base.tar.gz"));
    private static final int SOCKET_GROUP = 4242;
    private static final int ALLOWED_GROUP = 4243;

    @TempDir
    Path tmp;

    static Stream<Path> jettyHomes()
    {
        return Arrays.stream(System.getProperty("unixhttp.jettyHomes", "").split(",")).filter(home -> !home.isBlank()).map(Path::of);
    }

    @BeforeEach
    void needsRootAndCurl()
    {
        Requirements.requireRoot();
        Requirements.requireCommand("curl");
        Requirements.requireCommand("tar");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jettyHomes")
    void servesAWebappOnTheSocketWithModeGroupCredentialsAndPolicy(Path jettyHome) throws Exception
    {
        Path base = installBase(jettyHome);
        Path socket = Run.openToOthers(tmp).resolve("jetty.sock");
        Files.writeString(base.resolve("start.d/unixhttp.ini"), String.join("\n",
            "jetty.unixhttp.path=" + socket,
            "jetty.unixhttp.mode=0660",
            "jetty.unixhttp.group=" + SOCKET_GROUP,
            "jetty.unixhttp.staleSocket=remove",
            "jetty.unixhttp.allowUsers=root",
            "jetty.unixhttp.allowGroups=" + ALLOWED_GROUP, ""), StandardOpenOption.APPEND);

        try (JettyProcess jetty = JettyProcess.start(jettyHome, base))
        {
            jetty.awaitOutput("Started oejs.Server");
            assertEquals("660 " + SOCKET_GROUP, run("stat", "-c", "%a %g", socket.toString()).trim());

            assertEquals(Files.readString(Path.of(getClass().getResource("/webapp/hello.txt").toURI())),
                curl(socket, "http://localhost/peer/hello.txt"));
            String whoami = curl(socket, "http://localhost/peer/whoami");
            // A pid means the JVM has the module's [exec] options: the full credentials, not only the JDK's names.
            assertTrue(whoami.matches("uid=0 gid=0 user=root pid=[1-9][0-9]*\n"), whoami);

            // The file's group lets the second user open the socket; the peer policy still refuses it...
            List<String> otherCurl = List.of("curl", "-sS", "-w", "\n%{http_code}", "--unix-socket", socket.toString(),
                "http://localhost/peer/whoami");
            Run.Result refused = Run.run(WAIT, Run.asOtherUser(otherCurl, SOCKET_GROUP)).requireSuccess();
            assertTrue(refused.stdout().endsWith("\n403"), refused.stdout());
            assertFalse(refused.stdout().contains("uid="), refused.stdout());
            // ...unless it is in an allowed group.
            Run.Result allowed = Run.run(WAIT, Run.asOtherUser(otherCurl, SOCKET_GROUP, ALLOWED_GROUP)).requireSuccess();
            assertTrue(allowed.stdout().startsWith("uid=" + Run.OTHER_UID + " gid=" + Run.OTHER_GID + " "), allowed.stdout());
            assertTrue(allowed.stdout().endsWith("\n200"), allowed.stdout());
        }
        assertFalse(Files.exists(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS), "a graceful stop removes the socket");
    }

    /** Every wrong property at once, each named as start.d spells it (the settings schema's messages, jetty's names). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jettyHomes")
    void badPropertiesFailTheStartNamingEachOne(Path jettyHome) throws Exception
    {
        Path base = installBase(jettyHome);
        Files.writeString(base.resolve("start.d/unixhttp.ini"), String.join("\n",
            "jetty.unixhttp.path=" + tmp.resolve("jetty.sock"),
            "jetty.unixhttp.mode=0999",
            "jetty.unixhttp.staleSocket=sometimes",
            "jetty.unixhttp.inherit=true", ""), StandardOpenOption.APPEND);
        try (JettyProcess jetty = JettyProcess.start(jettyHome, base))
        {
            // The start ends; its exit code is start.jar's, which is 0 whatever the JVM it forked returned.
            jetty.exitCode();
            String output = jetty.output();
            assertTrue(output.contains("SettingsException: jetty.unixhttp.mode: Socket file mode '0999' is not an octal mode"), output);
            assertTrue(output.contains("; jetty.unixhttp.staleSocket=sometimes is not a policy"), output);
            assertTrue(output.contains("; jetty.unixhttp.inherit and jetty.unixhttp.path exclude each other"), output);
            assertFalse(Files.exists(tmp.resolve("jetty.sock"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        }
    }

    /** A fresh jetty-base with our archive unpacked, the modules added and the test webapp deployed. */
    private Path installBase(Path jettyHome) throws Exception
    {
        Path base = Files.createDirectories(tmp.resolve("base"));
        run("tar", "-xzf", ARCHIVE.toString(), "-C", base.toString());
        String added = Run.run(WAIT, JettyProcess.java(), "-jar", jettyHome.resolve("start.jar").toString(),
            "jetty.home=" + jettyHome, "jetty.base=" + base, "--add-modules=unixhttp,ee10-deploy").requireSuccess().stderr();
        assertTrue(Files.readString(base.resolve("start.d/unixhttp.ini")).contains("# jetty.unixhttp.path="), added);
        writeWar(Files.createDirectories(base.resolve("webapps")).resolve("peer.war"));
        return base;
    }

    /** The webapp: the servlet printing the peer, its web.xml and a static file, zipped as a war. */
    private static void writeWar(Path war) throws Exception
    {
        Path webapp = Path.of(JettyHomeModuleIT.class.getResource("/webapp").toURI());
        String servlet = PeerServlet.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(war); ZipOutputStream zip = new ZipOutputStream(file))
        {
            try (Stream<Path> files = Files.walk(webapp))
            {
                for (Path resource : files.filter(Files::isRegularFile).toList())
                    add(zip, webapp.relativize(resource).toString(), Files.newInputStream(resource));
            }
            add(zip, "WEB-INF/classes/" + servlet, PeerServlet.class.getClassLoader().getResourceAsStream(servlet));
        }
    }

    private static void add(ZipOutputStream zip, String name, InputStream content) throws IOException
    {
        try (content)
        {
            zip.putNextEntry(new ZipEntry(name));
            content.transferTo(zip);
            zip.closeEntry();
        }
    }

    private static String curl(Path socket, String url) throws Exception
    {
        return run("curl", "-sS", "--fail", "--unix-socket", socket.toString(), url);
    }

    private static String run(String... command) throws Exception
    {
        return Run.run(WAIT, command).requireSuccess().stdout();
    }
}
