package io.github.unixhttp.unit.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pacing of the connect retry, on a clock the test moves: no sleeping, so each figure is exact.
 */
class ConnectRetryTest
{
    private static final long MS = 1_000_000;
    /** An arbitrary start, far from zero as {@link System#nanoTime()} is: only differences may matter. */
    private static final long START = -7_654_321_000L;

    @Test
    void pausesStartAtATenthOfAMillisecondAndDoubleUpToTwentyMilliseconds()
    {
        ConnectRetry retry = new ConnectRetry(START, Duration.ofSeconds(10));
        List<Long> pauses = new ArrayList<>();
        for (int i = 0; i < 12; i++)
            pauses.add(retry.nextPauseNanos(START));
        assertEquals(List.of(100_000L, 200_000L, 400_000L, 800_000L, 1_600_000L, 3_200_000L, 6_400_000L, 12_800_000L,
            20_000_000L, 20_000_000L, 20_000_000L, 20_000_000L), pauses);
    }

    @Test
    void givesUpWhenThePauseWouldEndAfterTheTimeout()
    {
        ConnectRetry retry = new ConnectRetry(START, Duration.ofMillis(10));
        // 9.9 ms in, a 0.1 ms pause ends exactly at the timeout: one more attempt fits.
        assertEquals(100_000, retry.nextPauseNanos(START + 9_900_000));
        // The next pause is 0.2 ms: from 9.8 ms on it would end after the timeout.
        ConnectRetry later = new ConnectRetry(START, Duration.ofMillis(10));
        later.nextPauseNanos(START);
        assertEquals(-1, later.nextPauseNanos(START + 9_800_001));
    }

    @Test
    void aFailureAfterTheTimeoutGivesUpAtOnce()
    {
        ConnectRetry retry = new ConnectRetry(START, Duration.ofMillis(5));
        assertEquals(-1, retry.nextPauseNanos(START + 5 * MS + 1));
        assertEquals(-1, retry.nextPauseNanos(START + 60_000 * MS));
    }

    @Test
    void theAttemptsOfAConnectSpanTheTimeoutButNeverOverrunIt()
    {
        for (long timeoutMs : new long[]{1, 7, 100, 1_000, 3_000})
        {
            long attemptNanos = 50_000;
            ConnectRetry retry = new ConnectRetry(START, Duration.ofMillis(timeoutMs));
            long now = START + attemptNanos;
            long attempts = 1;
            for (long pause; (pause = retry.nextPauseNanos(now)) >= 0; attempts++)
                now += pause + attemptNanos;
            long spent = now - START;
            // Never past the deadline by more than the failing attempt itself, and not given up while a full pause
            // (at most 20 ms) would still have fit.
            assertTrue(spent <= timeoutMs * MS + attemptNanos, timeoutMs + " ms: spent " + spent + " ns");
            assertTrue(spent > timeoutMs * MS - ConnectRetry.MAX_PAUSE_NANOS - attemptNanos, timeoutMs + " ms: gave up after " + spent + " ns");
            assertTrue(attempts > 1, timeoutMs + " ms: no retry at all");
        }
    }

    @Test
    void noTimeoutRetriesForever()
    {
        for (Duration forever : new Duration[]{null, Duration.ZERO, Duration.ofMillis(-1), Duration.ofSeconds(Long.MAX_VALUE)})
        {
            ConnectRetry retry = new ConnectRetry(START, forever);
            for (int i = 0; i < 20; i++)
                retry.nextPauseNanos(START);
            assertEquals(ConnectRetry.MAX_PAUSE_NANOS, retry.nextPauseNanos(START + Long.MAX_VALUE / 2), String.valueOf(forever));
        }
    }

    @Test
    void aTimeoutTooLongForNanosecondsIsForeverRatherThanAnOverflow()
    {
        assertEquals(Long.MAX_VALUE, ConnectRetry.budgetNanos(Duration.ofDays(365L * 300)));
        assertEquals(Long.MAX_VALUE - 1, ConnectRetry.budgetNanos(Duration.ofNanos(Long.MAX_VALUE - 1)));
    }

    @Test
    void theClockMayWrapAroundWithoutEndingTheRetry()
    {
        // nanoTime may be near Long.MAX_VALUE; only the difference counts, and it does not overflow.
        long start = Long.MAX_VALUE - 2 * MS;
        ConnectRetry retry = new ConnectRetry(start, Duration.ofMillis(10));
        assertEquals(100_000, retry.nextPauseNanos(start + 4 * MS));
        assertEquals(-1, new ConnectRetry(start, Duration.ofMillis(10)).nextPauseNanos(start + 11 * MS));
    }
}
