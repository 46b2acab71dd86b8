package io.github.unixhttp.connector.internal;

import java.util.concurrent.TimeUnit;

import io.github.unixhttp.connector.internal.binding.BoundSocketFile;
import io.github.unixhttp.connector.internal.binding.PathState;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices that a bound socket's path names another socket now, so that a server replaced by a takeover can drain
 * and stop. The path is looked up a few times a second on Jetty's scheduler, through the directory descriptor the
 * socket keeps ({@link BoundSocketFile#pathState()}: one {@code lstat}, a few microseconds). Polling needs no
 * cooperation from the new server, no signal and no inotify descriptor, and errs on the safe side: a look-up that
 * fails says nothing, and the server goes on serving. A path that was removed (no socket at all) is logged once and
 * is not a replacement: no other server has it.
 */
public final class ReplacementWatch implements Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(ReplacementWatch.class);

    private final Scheduler scheduler;
    private final BoundSocketFile socket;
    private final long intervalMillis;
    private final Runnable onReplaced;
    private volatile boolean stopped;
    private volatile Scheduler.Task task;
    /** What the last look found, so that each change is logged once. */
    private PathState told = PathState.OURS;
    /** Whether a takeover whose new socket does not answer was logged: once is enough. */
    private boolean toldSilent;

    /**
     * @param onReplaced run once, on the scheduler's thread, when the path names another file: hand long work over
     */
    public ReplacementWatch(Scheduler scheduler, BoundSocketFile socket, long intervalMillis, Runnable onReplaced)
    {
        this.scheduler = scheduler;
        this.socket = socket;
        this.intervalMillis = intervalMillis;
        this.onReplaced = onReplaced;
    }

    public void start()
    {
        schedule();
    }

    /** Looks no more; a look already under way may still report. */
    public void stop()
    {
        stopped = true;
        Scheduler.Task current = task;
        if (current != null)
            current.cancel();
    }

    @Override
    public void run()
    {
        if (stopped)
            return;
        PathState state = socket.pathState();
        if (state == PathState.REPLACED)
        {
            if (socket.replacementAnswers())
            {
                stopped = true;
                onReplaced.run();
                return;
            }
            if (!toldSilent)
            {
                toldSilent = true;
                LOG.warn("{} was taken over, but nothing answers on the new socket (did its server die right after it " +
                    "started?): this server goes on serving its connections, and drains only once the new one answers. " +
                    "New clients are refused meanwhile: restart the service, or start the new server again", socket);
            }
            state = PathState.UNKNOWN;
        }
        if (state != told && state != PathState.OURS)
        {
            switch (state)
            {
                case UNPROVEN -> LOG.warn("The path of {} names another socket of this server's user that no takeover put " +
                    "there (a hard link to another service?): this server is not replaced and goes on serving its " +
                    "connections, but new clients reach that socket. Put this server's path back (restart it), or remove " +
                    "that link", socket);
                case ABSENT -> LOG.warn("{} was removed from outside: no new client can connect until this server is " +
                    "restarted", socket);
                case FOREIGN -> LOG.warn("The path of {} now names something that is not a socket of this server's user: " +
                    "no new client can reach this server, which goes on serving its connections. Remove that file and " +
                    "restart the server", socket);
                default ->
                {
                    // UNKNOWN: BoundSocketFile says why, once.
                }
            }
        }
        told = state;
        schedule();
    }

    private void schedule()
    {
        if (!stopped)
            task = scheduler.schedule(this, intervalMillis, TimeUnit.MILLISECONDS);
    }
}
