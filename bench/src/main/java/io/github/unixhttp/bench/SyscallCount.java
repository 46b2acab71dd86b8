package io.github.unixhttp.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.bench.H2load.Workload;

/**
 * System calls a server makes per request, by name: {@code strace -c -f} attached to the server process while h2load
 * sends a fixed number of requests. strace slows the server several times over, so no time is read here; what it
 * counts does not depend on how busy the machine is, which makes it the figure two runs agree on. For churn, every
 * request has its own connection: per request is per connection.
 */
final class SyscallCount
{
    private SyscallCount()
    {
    }

    /** @return whether strace is installed (it also needs ptrace to be allowed, which a failed count shows) */
    static boolean available()
    {
        return Bench.which("strace") != null;
    }

    /**
     * @param output where strace writes its summary (kept: the raw figures)
     * @return system calls per request started, by name, most frequent first, {@code "total"} first of all; empty if
     *         strace counted nothing (it could not attach)
     */
    static Map<String, Double> perRequest(ServerProcess server, String target, Workload workload, long requests, Path output)
        throws Exception
    {
        Process strace = new ProcessBuilder("strace", "-c", "-f", "-o", output.toString(), "-p", Long.toString(server.pid()))
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try
        {
            // strace attaches to each thread in turn; requests sent before it has them all would not be counted.
            Thread.sleep(1000);
            H2load.Counted run = H2load.requests(target, workload, requests);
            new ProcessBuilder("kill", "-INT", Long.toString(strace.pid())).start().waitFor();
            if (!strace.waitFor(20, TimeUnit.SECONDS) || !Files.exists(output) || run.total() == 0)
                return Map.of();
            Map<String, Long> calls = new LinkedHashMap<>();
            long total = 0;
            for (String line : Files.readAllLines(output))
            {
                // "% time     seconds  usecs/call     calls    errors syscall": calls is the 4th field, the name the last.
                String[] fields = line.trim().split("\\s+");
                if (fields.length >= 5 && fields[0].matches("[0-9.]+") && fields[3].matches("\\d+") && !fields[fields.length - 1].equals("total"))
                {
                    long count = Long.parseLong(fields[3]);
                    calls.merge(fields[fields.length - 1], count, Long::sum);
                    total += count;
                }
            }
            Map<String, Double> perRequest = new LinkedHashMap<>();
            if (total == 0)
                return perRequest;
            perRequest.put("total", total / (double)run.total());
            calls.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> perRequest.put(e.getKey(), e.getValue() / (double)run.total()));
            return perRequest;
        }
        finally
        {
            strace.destroyForcibly();
            strace.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
