package io.github.unixhttp.connector.limits;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.unixhttp.connector.internal.limits.TokenBucket;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The token bucket, on a clock the test moves (times are nanoTime's, and may be negative). */
class TokenBucketTest
{
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long MILLI = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void aFullBucketGivesItsBurstAtOnceThenOneAnInterval()
    {
        long now = -5 * SECOND;
        TokenBucket bucket = new TokenBucket(10, 3, now);
        assertTrue(bucket.isFull(now));
        for (int i = 0; i < 3; i++)
            assertEquals(0, bucket.tryTake(now), "token " + i + " of the burst");
        assertFalse(bucket.isFull(now));
        assertEquals(100 * MILLI, bucket.tryTake(now), "the wait for the next token: one interval at 10/s");
        assertEquals(40 * MILLI, bucket.tryTake(now + 60 * MILLI));
        assertEquals(0, bucket.tryTake(now + 100 * MILLI));
        assertEquals(100 * MILLI, bucket.tryTake(now + 100 * MILLI), "and empty again");
    }

    @Test
    void aRefusedTakeTakesNothing()
    {
        TokenBucket bucket = new TokenBucket(1, 1, 0);
        assertEquals(0, bucket.tryTake(0));
        for (int i = 0; i < 1000; i++)
            assertTrue(bucket.tryTake(0) > 0);
        // Refusals did not push the next token further away.
        assertEquals(0, bucket.tryTake(SECOND));
    }

    @Test
    void anIdleBucketRefillsToItsBurstAndNoFurther()
    {
        TokenBucket bucket = new TokenBucket(100, 5, 0);
        for (int i = 0; i < 5; i++)
            assertEquals(0, bucket.tryTake(0));
        assertFalse(bucket.isFull(49 * MILLI));
        assertTrue(bucket.isFull(50 * MILLI));
        long later = 3600 * SECOND;
        int taken = 0;
        while (bucket.tryTake(later) == 0)
            taken++;
        assertEquals(5, taken, "an hour idle still gives only the burst");
    }

    @Test
    void aRateBelowOneASecondWaitsSeconds()
    {
        TokenBucket bucket = new TokenBucket(0.5, 1, 0);
        assertEquals(0, bucket.tryTake(0));
        assertEquals(2 * SECOND, bucket.tryTake(0));
    }

    @Test
    void threadsRacingForTokensTakeExactlyTheBurst() throws Exception
    {
        int burst = 1000;
        long now = System.nanoTime();
        // One token an hour: none comes back during the race.
        TokenBucket bucket = new TokenBucket(1.0 / 3600, burst, now);
        int threads = 8;
        AtomicInteger taken = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try
        {
            for (int t = 0; t < threads; t++)
            {
                pool.execute(() ->
                {
                    try
                    {
                        start.await();
                    }
                    catch (InterruptedException interrupted)
                    {
                        return;
                    }
                    for (int i = 0; i < burst; i++)
                    {
                        if (bucket.tryTake(now) == 0)
                            taken.incrementAndGet();
                    }
                });
            }
            start.countDown();
        }
        finally
        {
            pool.shutdown();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        }
        assertEquals(burst, taken.get());
    }
}
