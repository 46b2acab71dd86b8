package io.github.unixhttp.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A helper program (an attacker, a lock holder) running beside a test: started, awaited until it says READY, and
 * stopped by closing its stdin (SIGTERM, then SIGKILL, if it does not go).
 */
public final class BackgroundProcess implements AutoCloseable
{
    private final Process process;
    private final BufferedReader stdout;

    private BackgroundProcess(Process process)
    {
        this.process = process;
        this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Starts {@code command} and waits for its first line, which must be {@code READY}. */
    public static BackgroundProcess startReady(List<String> command) throws IOException
    {
        BackgroundProcess started = new BackgroundProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
        try
        {
            assertEquals("READY", started.stdout.readLine(), "helper " + command + " did not start");
            return started;
        }
        catch (IOException | RuntimeException | Error failure)
        {
            started.close();
            throw failure;
        }
    }

    public long pid()
    {
        return process.pid();
    }

    /** Closes its stdin (its signal to finish) and returns the rest of what it printed. */
    public String finish() throws IOException, InterruptedException
    {
        process.getOutputStream().close();
        if (!process.waitFor(20, TimeUnit.SECONDS))
            close();
        StringBuilder rest = new StringBuilder();
        for (String line = stdout.readLine(); line != null; line = stdout.readLine())
            rest.append(line).append('\n');
        return rest.toString();
    }

    @Override
    public void close()
    {
        if (!process.isAlive())
            return;
        process.destroy();
        try
        {
            if (!process.waitFor(10, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
        catch (InterruptedException interrupted)
        {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
