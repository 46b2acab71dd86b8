package io.github.unixhttp.jettyhome;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.github.unixhttp.testing.ChildProcess;

/**
 * {@code java -jar $JETTY_HOME/start.jar} run in a jetty-base, as a user runs it, its output and log in one file.
 * start.jar forks a second JVM when a module has {@code [exec]} options: closing stops both, SIGTERM first (Jetty
 * then stops gracefully and removes its socket).
 */
final class JettyProcess extends ChildProcess
{
    private JettyProcess(ProcessBuilder builder, Path jettyBase) throws IOException
    {
        super(builder, jettyBase);
    }

    static JettyProcess start(Path jettyHome, Path jettyBase, String... args) throws IOException
    {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", jettyHome.resolve("start.jar").toString(),
            "jetty.home=" + jettyHome, "jetty.base=" + jettyBase));
        command.addAll(List.of(args));
        return new JettyProcess(new ProcessBuilder(command).directory(jettyBase.toFile()).redirectErrorStream(true), jettyBase);
    }
}
