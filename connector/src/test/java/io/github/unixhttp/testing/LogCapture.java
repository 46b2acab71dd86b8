package io.github.unixhttp.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Keeps what this JVM's log (slf4j-simple, which writes to whatever {@code System.err} is at the time of each line)
 * prints while it is open; the console still shows it. Closing restores the old {@code System.err}.
 */
public final class LogCapture implements AutoCloseable
{
    private final PrintStream original = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    private LogCapture()
    {
    }

    public static LogCapture start()
    {
        LogCapture capture = new LogCapture();
        System.setErr(new PrintStream(new Tee(capture.original, capture.captured), true, StandardCharsets.UTF_8));
        return capture;
    }

    /** @return what was logged since the start or the last {@link #clear()} */
    public String text()
    {
        synchronized (captured)
        {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    public void clear()
    {
        synchronized (captured)
        {
            captured.reset();
        }
    }

    @Override
    public void close()
    {
        System.setErr(original);
    }

    private static final class Tee extends OutputStream
    {
        private final OutputStream console;
        private final ByteArrayOutputStream copy;

        Tee(OutputStream console, ByteArrayOutputStream copy)
        {
            this.console = console;
            this.copy = copy;
        }

        @Override
        public void write(int b) throws IOException
        {
            console.write(b);
            synchronized (copy)
            {
                copy.write(b);
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException
        {
            console.write(bytes, offset, length);
            synchronized (copy)
            {
                copy.write(bytes, offset, length);
            }
        }
    }
}
