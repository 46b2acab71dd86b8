package io.github.unixhttp.unit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.testing.Exchange;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drains a server socket whose backlog a test filled with silent connections ("fillers") while a client retried its
 * connect, and answers the client. The client's connection is the one that brings a request: told apart by that, not
 * by its place in the queue, which a retrying client makes hard to predict, nor by how soon it sends, which a loaded
 * machine makes hard to predict too.
 */
public final class BacklogDrain
{
    /** The response the client gets: a 200 whose body is {@value #BODY}. */
    public static final String BODY = "drained";

    /** A server socket's accept, blocking until a connection is there. */
    public interface Acceptor
    {
        SocketChannel accept() throws IOException;
    }

    private BacklogDrain()
    {
    }

    /**
     * Accepts the fillers and the client's connection, answers the client with {@link #BODY} and closes them all.
     *
     * @param fillers the connections queued before the client's: it is among the first {@code fillers + 1} accepted,
     *                so no more than that are (another accept would block for ever)
     */
    public static void answerTheClient(Acceptor server, int fillers) throws Exception
    {
        List<SocketChannel> accepted = new ArrayList<>();
        SocketChannel client = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try
        {
            while (client == null)
            {
                if (accepted.size() <= fillers)
                    accepted.add(server.accept());
                for (SocketChannel connection : accepted)
                {
                    if (hasRequestWithin(connection, 20))
                    {
                        client = connection;
                        break;
                    }
                }
                assertTrue(System.nanoTime() < deadline, "none of the " + accepted.size() + " connections accepted (" + fillers +
                    " queued before the client) brought a request in 30 s");
            }
            // The rest of the head after its first byte.
            Exchange.readHead(client);
            client.write(ByteBuffer.wrap(("HTTP/1.1 200 OK\r\nContent-Length: " + BODY.length() + "\r\nConnection: close\r\n\r\n" + BODY)
                .getBytes(StandardCharsets.US_ASCII)));
        }
        finally
        {
            for (SocketChannel connection : accepted)
                connection.close();
        }
    }

    /** @return whether the first byte of a request arrives within the given time (it is consumed) */
    private static boolean hasRequestWithin(SocketChannel channel, long millis) throws Exception
    {
        channel.configureBlocking(false);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        ByteBuffer first = ByteBuffer.allocate(1);
        while (true)
        {
            int read = channel.read(first);
            if (read > 0)
            {
                channel.configureBlocking(true);
                return true;
            }
            if (read < 0 || System.nanoTime() >= deadline)
                return false;
            Thread.sleep(10);
        }
    }
}
