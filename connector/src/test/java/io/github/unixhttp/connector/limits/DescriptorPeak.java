package io.github.unixhttp.connector.limits;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Samples this JVM's open descriptors every few milliseconds on a thread of its own, against a baseline: the most
 * open at once, and the median. Every accepted connection has a descriptor for at least an instant (until it is
 * closed), so a burst of connections shows in the peak however quickly they are refused; what a flood holds shows in
 * the median.
 */
final class DescriptorPeak implements AutoCloseable
{
    private final long baseline;
    private final List<Long> samples = Collections.synchronizedList(new ArrayList<>());
    private final Thread sampler;
    private volatile boolean running = true;

    private DescriptorPeak(long baseline)
    {
        this.baseline = baseline;
        sampler = new Thread(() ->
        {
            while (running)
            {
                try
                {
                    // Less one: the listing's own descriptor of /proc/self/fd.
                    samples.add(LimitsServer.openDescriptors() - 1 - baseline);
                    Thread.sleep(2);
                }
                catch (IOException | InterruptedException stopped)
                {
                    return;
                }
            }
        }, "descriptor-peak");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Starts sampling, against the count now. */
    static DescriptorPeak start() throws IOException
    {
        return new DescriptorPeak(LimitsServer.openDescriptors());
    }

    /** Starts sampling, against a count taken earlier. */
    static DescriptorPeak start(long baseline)
    {
        return new DescriptorPeak(baseline);
    }

    /** @return the most descriptors open at once above the baseline */
    long aboveBaseline()
    {
        synchronized (samples)
        {
            return Math.max(0, samples.stream().mapToLong(Long::longValue).max().orElse(0));
        }
    }

    /** @return the median of the samples above the baseline */
    long medianAboveBaseline()
    {
        synchronized (samples)
        {
            List<Long> sorted = new ArrayList<>(samples);
            Collections.sort(sorted);
            return sorted.isEmpty() ? 0 : Math.max(0, sorted.get(sorted.size() / 2));
        }
    }

    @Override
    public void close() throws InterruptedException
    {
        running = false;
        sampler.join(5000);
    }
}
