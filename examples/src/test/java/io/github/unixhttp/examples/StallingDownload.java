package io.github.unixhttp.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.testing.Run;
import io.github.unixhttp.testing.Scripts;

/**
 * A client that downloads {@code /bytes?n=SIZE} over a socket, stops reading half a megabyte in for a given time,
 * then reads the rest: the kind of response a graceful stop must not cut off.
 */
final class StallingDownload implements AutoCloseable
{
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final CompletableFuture<Run.Result> result;
    private final Path resumeFile;

    private StallingDownload(CompletableFuture<Run.Result> result, Path resumeFile)
    {
        this.result = result;
        this.resumeFile = resumeFile;
    }

    /** Starts the download and returns once the client has stalled (or already finished); it stalls for the given time. */
    static StallingDownload startAndAwaitStall(Path tmp, Path socket, int size, int stallSeconds) throws Exception
    {
        return start(tmp, socket, size, stallSeconds, null);
    }

    /**
     * Starts the download and returns once the client has stalled (or already finished); it stalls until
     * {@link #resume} (60 s at most), so that the stall spans whatever the test waits for, however slow the machine.
     */
    static StallingDownload startAndHoldStall(Path tmp, Path socket, int size) throws Exception
    {
        return start(tmp, socket, size, 0, tmp.resolve("resume"));
    }

    private static StallingDownload start(Path tmp, Path socket, int size, int stallSeconds, Path resumeFile) throws Exception
    {
        Path client = Scripts.copy("stalling_download.py", tmp);
        Path marker = tmp.resolve("half-way");
        CompletableFuture<Run.Result> result = CompletableFuture.supplyAsync(() ->
        {
            try
            {
                List<String> command = new ArrayList<>(List.of("python3", client.toString(), socket.toString(),
                    "/bytes?n=" + size, String.valueOf(512 * 1024), marker.toString(), String.valueOf(stallSeconds)));
                if (resumeFile != null)
                    command.add(resumeFile.toString());
                return Run.run(WAIT, command);
            }
            catch (Exception e)
            {
                throw new RuntimeException(e);
            }
        });
        while (!Files.exists(marker) && !result.isDone())
            Thread.sleep(20);
        return new StallingDownload(result, resumeFile);
    }

    /** Lets a download started by {@link #startAndHoldStall} read on; again, or for another download, it does nothing. */
    void resume() throws Exception
    {
        if (resumeFile != null && !Files.exists(resumeFile))
            Files.createFile(resumeFile);
    }

    /** Resumes a held download, so that a test that failed before it did leaves no client waiting for its minute. */
    @Override
    public void close() throws Exception
    {
        resume();
    }

    /** @return whether the client has ended (read everything, or failed) */
    boolean isDone()
    {
        return result.isDone();
    }

    /** @return the client's result (its stdout: the status line and the byte count), once it succeeded */
    Run.Result awaitSuccess() throws Exception
    {
        return result.get(WAIT.toSeconds(), TimeUnit.SECONDS).requireSuccess();
    }
}
