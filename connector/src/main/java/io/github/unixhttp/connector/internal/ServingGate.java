package io.github.unixhttp.connector.internal;

import java.io.InterruptedIOException;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * Opens when the connector may serve: once its {@link Server} has started, handlers and all. A connector is bound and
 * listening from its own start, so that its socket exists, but connections wait in the backlog until then. Jetty
 * starts connectors after the handlers, but not everyone does: Jetty's {@code SetUIDListener} (which Dropwizard always
 * installs) fully starts every connector that is not a {@code NetworkConnector} before the handlers, and a request
 * accepted then is answered 404. A connector started on its own (its server neither starting nor started) opens at
 * once. Closed again on stop. Relies on {@link JettyCallOrder.Assumption#SERVER_STARTS_CONNECTORS_AFTER_HANDLERS}.
 */
public final class ServingGate implements LifeCycle.Listener
{
    private final Runnable onOpen;
    private Server server;
    private boolean open;

    /**
     * @param onOpen run once when the gate opens (to start accepting in the selector), on the thread that opens it
     */
    public ServingGate(Runnable onOpen)
    {
        this.onOpen = onOpen;
    }

    /** At the connector's start: opens now, or once {@code server} has started. */
    public void arm(Server server)
    {
        boolean openNow;
        synchronized (this)
        {
            open = false;
            openNow = server == null || !server.isStarting();
            if (!openNow)
            {
                this.server = server;
                server.addEventListener(this);
            }
        }
        if (openNow)
            open();
    }

    @Override
    public void lifeCycleStarted(LifeCycle event)
    {
        open();
    }

    @Override
    public void lifeCycleFailure(LifeCycle event, Throwable cause)
    {
        // A server that failed to start never serves: its stop closes the connector.
        disarm();
    }

    private void open()
    {
        synchronized (this)
        {
            if (open)
                return;
            open = true;
            notifyAll();
        }
        disarmListener();
        onOpen.run();
    }

    /** At the connector's stop: closed, and no longer waiting for the server. */
    public void disarm()
    {
        synchronized (this)
        {
            open = false;
            notifyAll();
        }
        disarmListener();
    }

    private void disarmListener()
    {
        Server waitedFor;
        synchronized (this)
        {
            waitedFor = server;
            server = null;
        }
        if (waitedFor != null)
            waitedFor.removeEventListener(this);
    }

    /** @return whether the connector may serve now */
    public synchronized boolean isOpen()
    {
        return open;
    }

    /**
     * For acceptor threads: waits until the gate opens, or {@code running} says the connector stops.
     *
     * @return whether it is open
     */
    public boolean awaitOpen(java.util.function.BooleanSupplier running) throws InterruptedIOException
    {
        synchronized (this)
        {
            while (!open && running.getAsBoolean())
            {
                try
                {
                    wait(100);
                }
                catch (InterruptedException interrupted)
                {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for the server to start");
                }
            }
            return open;
        }
    }
}
