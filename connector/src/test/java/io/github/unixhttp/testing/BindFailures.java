package io.github.unixhttp.testing;

import java.nio.file.Path;
import java.util.function.Consumer;

import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.connector.binding.SocketBindException;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Starts that must fail, and the {@link SocketBindException} message they fail with.
 */
public final class BindFailures
{
    private BindFailures()
    {
    }

    /** Starts a server expecting it to fail; returns the bind failure's message, which must name the socket. */
    public static String startFailure(Path socket, Consumer<UnixSocketConnector> configure) throws Exception
    {
        try (TestServer server = TestServer.start(socket, configure))
        {
            return fail("started on " + server.socket() + " though it should not have");
        }
        catch (Exception failure)
        {
            String message = bindMessage(failure);
            if (message == null)
                throw failure;
            assertTrue(message.contains("unix:" + socket.toAbsolutePath()), message);
            return message;
        }
    }

    /** The message of the {@link SocketBindException} inside a failed start, or null if there is none. */
    public static String bindMessage(Throwable failure)
    {
        for (Throwable cause = failure; cause != null; cause = cause.getCause())
        {
            if (cause instanceof SocketBindException)
                return cause.getMessage();
        }
        return null;
    }
}
