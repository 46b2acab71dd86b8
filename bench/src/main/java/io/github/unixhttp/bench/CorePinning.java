package io.github.unixhttp.bench;

import java.util.List;

/**
 * {@code --pin}: the server under test on a core of its own (the last one), the load (h2load, and nginx when it
 * stands in front) on the others, with {@code taskset}. On 2 cores shared freely, a server's throughput moves 10–20%
 * from run to run with where the scheduler puts h2load; pinned, each server gets the same single core.
 */
final class CorePinning
{
    static final String PROPERTY = "unixhttp.bench.pin";

    private CorePinning()
    {
    }

    static boolean enabled()
    {
        return Boolean.getBoolean(PROPERTY) && cores() >= 2 && Bench.which("taskset") != null;
    }

    /** @return the command prefix that runs the server under test on its core, or none */
    static List<String> server()
    {
        return enabled() ? List.of("taskset", "-c", Integer.toString(cores() - 1)) : List.of();
    }

    /** @return the command prefix that runs the load on the other cores, or none */
    static List<String> load()
    {
        return enabled() ? List.of("taskset", "-c", cores() == 2 ? "0" : "0-" + (cores() - 2)) : List.of();
    }

    static String describe()
    {
        return enabled() ? "pinned: the server under test on CPU " + (cores() - 1) + ", the load on CPU " + load().get(2)
            : "not pinned (the scheduler places servers and load on any core)";
    }

    private static int cores()
    {
        return Runtime.getRuntime().availableProcessors();
    }
}
