package io.github.unixhttp.unit.spring;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Keeps a copy of what is written to standard output (where Spring Boot's console log goes) while passing it on.
 */
final class ConsoleCapture implements AutoCloseable
{
    private final PrintStream original;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    private ConsoleCapture(PrintStream original)
    {
        this.original = original;
    }

    static ConsoleCapture start()
    {
        ConsoleCapture capture = new ConsoleCapture(System.out);
        OutputStream tee = new OutputStream()
        {
            @Override
            public void write(int b)
            {
                write(new byte[]{(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length)
            {
                capture.original.write(bytes, offset, length);
                synchronized (capture.copy)
                {
                    capture.copy.write(bytes, offset, length);
                }
            }
        };
        System.setOut(new PrintStream(tee, true, StandardCharsets.UTF_8));
        return capture;
    }

    String text()
    {
        synchronized (copy)
        {
            return copy.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close()
    {
        System.setOut(original);
    }
}
