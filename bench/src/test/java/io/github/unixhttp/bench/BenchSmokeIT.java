package io.github.unixhttp.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.github.unixhttp.testing.Requirements;
import io.github.unixhttp.testing.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The harness itself works: a smoke run (one round, two servers, half a second) through the packaged jar, as the
 * README's bench command runs it. No speed is judged here: that is the bench's job, not a test's.
 */
class BenchSmokeIT
{
    @TempDir
    Path out;

    @Test
    void aSmokeRunWritesItsReport() throws Exception
    {
        Requirements.requireCommand("h2load");
        String jar = System.getProperty("unixhttp.benchJar", "target/unixhttp-bench.jar");
        Run.Result run = Run.run(Duration.ofMinutes(3), List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar", jar, "--smoke", "--out", out.toString())).requireSuccess();
        String report = Files.readString(out.resolve("bench-smoke.md"));
        assertTrue(report.contains("| unixhttp |") && report.contains("| jetty-uds |"), report + "\n" + run.stdout());
        List<String> rows = Files.readString(out.resolve("bench-smoke.csv")).lines().skip(1).toList();
        // Per server: its throughput, and beside it its CPU per request (user+sys, and sys alone) read from /proc.
        assertEquals(2, rows.stream().filter(row -> row.contains(",server,") && row.endsWith(",req/s")).count(), rows.toString());
        assertEquals(4, rows.stream().filter(row -> row.contains(",cpu,") && row.contains(",per-request-c16,")).count(), rows.toString());
        assertEquals(6, rows.size(), rows.toString());
    }
}
