package io.github.unixhttp.examples.spring;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.github.unixhttp.testing.ChildProcess;

/**
 * The example's executable jar run as a user runs it, {@code java -jar app.jar --unixhttp.server...}, its output (and
 * errors) in one file.
 */
final class BootProcess extends ChildProcess
{
    static final Path JAR = Path.of(System.getProperty("unixhttp.springBootJar", "target/unixhttp-spring-boot-example.jar"));

    private BootProcess(ProcessBuilder builder, Path workDir) throws IOException
    {
        super(builder, workDir);
    }

    static BootProcess start(Path workDir, String... args) throws IOException
    {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return new BootProcess(new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true), workDir);
    }
}
