package io.github.unixhttp.examples;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.core.internal.nativeedge.NativeEdge;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A user's project, built by Maven the way a user builds it, then run: a plain pom (no parent, no
 * dependencyManagement) that depends on {@code unixhttp-connector} or {@code unixhttp-unit} (the clients alone) and nothing of ours
 * else. It resolves our artifacts from a private local repository holding only what this build publishes (our
 * parent pom, each library's pom as written and its jar: see the install-file executions in this module's pom),
 * and every other artifact as a user would: from Maven Central, through the build's own local repository as a
 * cache of release artifacts (never of snapshots, so no other build's copy of ours can stand in). So whatever the
 * published poms fail to carry — a pin that lives only in our parent's dependencyManagement — fails here as it
 * fails for users.
 */
class ConsumerBuildIT
{
    private static final Duration BUILD_TIMEOUT = Duration.ofSeconds(150);
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);
    private static final String DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1";

    @TempDir
    Path work;
    Path localRepository;
    Path settings;

    @BeforeEach
    void privateRepository() throws IOException
    {
        localRepository = work.resolve("repository");
        copyTree(Path.of(property("unixhttp.publishedRepo")), localRepository);
        String cache = Path.of(property("unixhttp.mavenCache")).toUri().toString();
        String repository = "<id>build-cache</id><url>" + cache + "</url>" +
            "<releases><checksumPolicy>ignore</checksumPolicy></releases><snapshots><enabled>false</enabled></snapshots>";
        settings = Files.writeString(work.resolve("settings.xml"), """
            <settings>
              <profiles>
                <profile>
                  <id>build-cache</id>
                  <repositories><repository>%s</repository></repositories>
                  <pluginRepositories><pluginRepository>%s</pluginRepository></pluginRepositories>
                </profile>
              </profiles>
              <activeProfiles><activeProfile>build-cache</activeProfile></activeProfiles>
            </settings>
            """.formatted(repository, repository));
    }

    @Test
    void aProjectDependingOnTheConnectorBuildsAndServes() throws Exception
    {
        Consumer consumer = build("consumer-connector");
        assertTrue(consumer.tree.contains("io.github.unixhttp:unixhttp-connector:jar:" + property("unixhttp.version") + ":compile"),
            consumer.tree);
        // The program checks that the pid is its own: the native edge works with what the user's build resolved.
        String output = consumer.onClassPath("consumer.ConnectorConsumer", work.resolve("connector.sock").toString());
        assertTrue(output.matches("(?s).*consumer-connector ok: pid=[0-9]+\\n.*"), output);

        // The same program as a named module requiring the connector by its Automatic-Module-Name, run with the
        // module-path flags the README gives.
        output = consumer.onModulePath("consumer/consumer.ConnectorConsumer", work.resolve("module.sock").toString());
        assertTrue(output.matches("(?s).*consumer-connector ok: pid=[0-9]+\\n.*"), output);
    }

    @Test
    void aClientOnlyProjectGetsNoJettyServerAndReachesPathAndAbstractName() throws Exception
    {
        Consumer consumer = build("consumer-unit");
        assertTrue(consumer.tree.contains("io.github.unixhttp:unixhttp-unit:jar:" + property("unixhttp.version") + ":compile"),
            consumer.tree);
        // The client artifact brings the shared core, and neither Jetty's server nor our connector.
        assertTrue(consumer.tree.contains("io.github.unixhttp:unixhttp-core:jar:"), consumer.tree);
        assertFalse(consumer.tree.contains("jetty-server"), consumer.tree);
        assertFalse(consumer.tree.contains("unixhttp-connector"), consumer.tree);
        assertFalse(consumer.classPath.stream().anyMatch(entry -> entry.contains("jetty-server")), consumer.classPath.toString());

        UnixSocketAddress path = UnixSocketAddress.ofPath(work.resolve("unit.sock"));
        UnixSocketAddress name = UnixSocketAddress.ofAbstractName("unixhttp-consumer-" + UUID.randomUUID());
        Server server = helloServer(path, name);
        try
        {
            String output = consumer.onClassPath("consumer.UnitConsumer", path.toString(), name.toString());
            assertTrue(output.contains("consumer-unit ok over " + path + ": 200 hello /there"), output);
            assertTrue(output.contains("consumer-unit ok over " + name + ": 200 hello /there"), output);
        }
        finally
        {
            server.stop();
        }
    }

    /** The server the client-only consumer asks: ours, in this JVM, on each address. */
    private static Server helloServer(UnixSocketAddress... addresses) throws Exception
    {
        Server server = new Server();
        for (UnixSocketAddress address : addresses)
        {
            UnixSocketConnector connector = new UnixSocketConnector(server);
            connector.setAddress(address);
            server.addConnector(connector);
        }
        server.setHandler(new Handler.Abstract()
        {
            @Override
            public boolean handle(Request request, Response response, Callback callback)
            {
                Content.Sink.write(response, true, "hello " + request.getHttpURI().getPath(), callback);
                return true;
            }
        });
        server.start();
        return server;
    }

    /**
     * Copies the project, fills in the versions, and has Maven print its dependency tree, compile it and write
     * its class path.
     */
    private Consumer build(String name) throws Exception
    {
        Path project = work.resolve(name);
        copyTree(Path.of(property("unixhttp.consumerProjects"), name), project);
        Path pom = project.resolve("pom.xml");
        Files.writeString(pom, Files.readString(pom)
            .replace("@unixhttp.version@", property("unixhttp.version"))
            .replace("@httpclient5.version@", property("unixhttp.httpclient5Version")));
        Path tree = project.resolve("tree.txt");
        Path classPath = project.resolve("classpath.txt");
        Path log = project.resolve("build.log");
        List<String> maven = List.of(Path.of(property("unixhttp.mavenHome"), "bin", "mvn").toString(), "-B",
            "-s", settings.toString(), "-Dmaven.repo.local=" + localRepository,
            DEPENDENCY_PLUGIN + ":tree", "-DoutputFile=" + tree,
            "compile",
            DEPENDENCY_PLUGIN + ":build-classpath", "-Dmdep.outputFile=" + classPath);
        long started = System.nanoTime();
        int exit = run(maven, project, log, BUILD_TIMEOUT);
        System.out.printf("%s: Maven build in %.1f s%n", name, (System.nanoTime() - started) / 1e9);
        if (exit != 0)
            fail(name + ": a user's build of it fails (exit " + exit + "):\n" + errors(log));
        String printedTree = Files.readString(tree);

        List<String> entries = Arrays.asList(Files.readString(classPath).trim().split(File.pathSeparator));
        // One jffi, and its native jar of the same version beside it (jnr cannot load without it).
        List<String> jffi = entries.stream().map(entry -> Path.of(entry).getFileName().toString())
            .filter(file -> file.startsWith("jffi-")).sorted().collect(Collectors.toList());
        assertEquals(2, jffi.size(), String.join("\n", entries));
        assertEquals(jffi.get(1).replace(".jar", "-native.jar"), jffi.get(0), String.join("\n", entries));
        // SLF4J 2, which Jetty is built with: SLF4J 1.7 (httpclient5 asks for it) finds no SLF4J 2 provider.
        assertTrue(entries.stream().anyMatch(entry -> entry.matches(".*/slf4j-api-2\\.[^/]*\\.jar")), String.join("\n", entries));
        // Ours came from what this build published, nothing else of ours came along (no test jars).
        List<String> ours = entries.stream().filter(entry -> entry.contains("/io/github/unixhttp/")).collect(Collectors.toList());
        assertTrue(ours.stream().allMatch(entry -> entry.startsWith(localRepository.toString()) && !entry.endsWith("-tests.jar")),
            String.join("\n", ours));
        return new Consumer(project, entries, printedTree);
    }

    private final class Consumer
    {
        private final Path project;
        private final List<String> classPath;
        private final String tree;

        Consumer(Path project, List<String> classPath, String tree)
        {
            this.project = project;
            this.classPath = classPath;
            this.tree = tree;
        }

        /** Runs the compiled program on the class path Maven computed, with the JVM flags the README gives. */
        String onClassPath(String mainClass, String... args) throws Exception
        {
            List<String> java = new ArrayList<>(Arrays.asList(NativeEdge.JVM_OPTIONS.split(" ")));
            java.addAll(List.of("-cp", path(), mainClass));
            java.addAll(Arrays.asList(args));
            return launch(java, "class-path.log");
        }

        /**
         * Runs the compiled program as a module, with the same jars on the module path and the README's flags
         * for module-path users: jnr's modules are automatic, so nothing requires asm or jffi's native jar by
         * name, and they must be added.
         */
        String onModulePath(String mainModuleAndClass, String... args) throws Exception
        {
            List<String> java = new ArrayList<>(List.of("--add-modules", "ALL-MODULE-PATH",
                "--add-exports", "java.base/sun.nio.ch=io.github.unixhttp.core",
                "--enable-native-access=org.jnrproject.jffi",
                "--module-path", path(), "-m", mainModuleAndClass));
            java.addAll(Arrays.asList(args));
            return launch(java, "module-path.log");
        }

        private String path()
        {
            return project.resolve("target/classes") + File.pathSeparator + String.join(File.pathSeparator, classPath);
        }

        private String launch(List<String> arguments, String logName) throws Exception
        {
            List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            java.addAll(arguments);
            Path log = project.resolve(logName);
            int exit = ConsumerBuildIT.run(java, project, log, RUN_TIMEOUT);
            String output = Files.readString(log);
            assertEquals(0, exit, output);
            return output;
        }
    }

    /** Runs a command to its end within the timeout (SIGTERM, then SIGKILL, if it overstays), output to the log. */
    private static int run(List<String> command, Path directory, Path log, Duration timeout) throws Exception
    {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
            .redirectErrorStream(true).redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // Maven runs on the JDK of this build.
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
            return process.exitValue();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        return fail("Timed out after " + timeout + ": " + command + "\n" + errors(log));
    }

    /** The lines of a Maven log that say what went wrong, or its end when none does. */
    private static String errors(Path log) throws IOException
    {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        List<String> errors = lines.stream().filter(line -> line.startsWith("[ERROR]")).limit(20).collect(Collectors.toList());
        return String.join("\n", errors.isEmpty() ? lines.subList(Math.max(0, lines.size() - 40), lines.size()) : errors);
    }

    private static String property(String name)
    {
        String value = System.getProperty(name);
        if (value == null || value.isEmpty())
            throw new IllegalStateException("System property " + name + " is not set: run this test through Maven " +
                "(mvn -B install), whose failsafe configuration in examples/pom.xml sets it");
        return value;
    }

    private static void copyTree(Path from, Path to) throws IOException
    {
        try (Stream<Path> files = Files.walk(from))
        {
            files.forEach(source ->
            {
                try
                {
                    Files.copy(source, to.resolve(from.relativize(source).toString()));
                }
                catch (IOException failure)
                {
                    throw new UncheckedIOException(failure);
                }
            });
        }
    }
}
