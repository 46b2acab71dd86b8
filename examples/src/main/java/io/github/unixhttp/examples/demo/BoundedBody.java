package io.github.unixhttp.examples.demo;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.BufferUtil;

/**
 * Reads a whole request body into memory, up to a limit, without blocking a thread: as chunks arrive, through
 * {@link Content.Source#demand}.
 */
final class BoundedBody implements Runnable
{
    /** What becomes of the body. */
    interface Outcome
    {
        void complete(ByteBuffer body);

        /** More than the limit arrived; the rest is not read. */
        void tooLarge();

        void failed(Throwable failure);
    }

    private final Content.Source source;
    private final int limit;
    private final Outcome outcome;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    private BoundedBody(Content.Source source, int limit, Outcome outcome)
    {
        this.source = source;
        this.limit = limit;
        this.outcome = outcome;
    }

    static void read(Content.Source source, int limit, Outcome outcome)
    {
        new BoundedBody(source, limit, outcome).run();
    }

    @Override
    public void run()
    {
        while (true)
        {
            Content.Chunk chunk = source.read();
            if (chunk == null)
            {
                source.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk))
            {
                outcome.failed(chunk.getFailure());
                return;
            }
            boolean last = chunk.isLast();
            int size = chunk.remaining();
            if (body.size() + (long)size > limit)
            {
                chunk.release();
                outcome.tooLarge();
                return;
            }
            body.write(BufferUtil.toArray(chunk.getByteBuffer()), 0, size);
            chunk.release();
            if (last)
            {
                outcome.complete(ByteBuffer.wrap(body.toByteArray()));
                return;
            }
        }
    }
}
