package io.github.unixhttp.examples.demo;

/**
 * SIGTERM and SIGINT as a supervisor means them: "stop cleanly". The JVM's default runs the shutdown hooks and
 * exits with status 143 or 130, which systemd and s6 report as a failure; the demo instead stops its server
 * gracefully and exits 0. Uses the JDK's {@code sun.misc.Signal} (module jdk.unsupported), the only way a Java
 * program can handle a signal itself.
 */
final class TerminationSignals
{
    private TerminationSignals()
    {
    }

    /** Runs {@code action} on SIGTERM and SIGINT, on the JVM's signal thread: hand long work to another thread. */
    static void onTermination(Runnable action)
    {
        sun.misc.SignalHandler handler = signal -> action.run();
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), handler);
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), handler);
    }
}
