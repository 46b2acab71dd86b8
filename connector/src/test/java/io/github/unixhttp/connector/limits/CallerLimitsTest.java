package io.github.unixhttp.connector.limits;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CallerLimitsTest
{
    @Test
    void theDefaultsBoundConnectionsAndWaitingRefusalsPerUidAndLeaveRequestsAlone()
    {
        CallerLimits defaults = CallerLimits.DEFAULTS;
        assertEquals(CallerLimits.Per.UID, defaults.per());
        assertEquals(1024, defaults.maxConnections());
        assertEquals(16, defaults.maxRefusedConnections());
        assertEquals(CallerLimits.UNLIMITED, defaults.maxRequestsInFlight());
        assertEquals(0, defaults.requestsPerSecond());
        assertFalse(defaults.limitsRequests());
        assertFalse(defaults.isNone());
        assertFalse(defaults.needsProcess());
        assertEquals("per uid: 1024 connections, unlimited requests in flight, no request rate, 16 refused connections waiting",
            defaults.toString());
    }

    @Test
    void noneLimitsNothingNotEvenRefusedConnections()
    {
        CallerLimits none = CallerLimits.none();
        assertTrue(none.isNone());
        assertFalse(none.limitsRequests());
        assertEquals(CallerLimits.UNLIMITED, none.maxConnections());
        assertEquals(CallerLimits.UNLIMITED, none.maxRefusedConnections());
        assertEquals("none", none.toString());
        // Built by hand, it is the same value.
        assertEquals(none, CallerLimits.builder().maxConnections(CallerLimits.UNLIMITED)
            .maxRefusedConnections(CallerLimits.UNLIMITED).build());
    }

    @Test
    void aBuilderStartsFromTheDefaultsAndChangesOnlyWhatItIsTold()
    {
        CallerLimits limits = CallerLimits.builder().maxRequestsInFlight(64).requestRate(200, 400).build();
        assertEquals(1024, limits.maxConnections());
        assertEquals(16, limits.maxRefusedConnections());
        assertEquals(64, limits.maxRequestsInFlight());
        assertEquals(200, limits.requestsPerSecond());
        assertEquals(400, limits.requestBurst());
        assertTrue(limits.limitsRequests());
        assertEquals("per uid: 1024 connections, 64 requests in flight, 200 requests/s (burst 400), 16 refused connections waiting",
            limits.toString());

        CallerLimits again = limits.toBuilder().unlimitedRequestRate().maxRequestsInFlight(CallerLimits.UNLIMITED).build();
        assertEquals(CallerLimits.DEFAULTS, again);
        assertEquals(CallerLimits.DEFAULTS.hashCode(), again.hashCode());
        assertNotEquals(CallerLimits.DEFAULTS, limits);
    }

    @Test
    void limitsByProgramNeedThePeersProcess()
    {
        CallerLimits byUnit = CallerLimits.builder().per(CallerLimits.Per.UID_AND_UNIT).build();
        assertTrue(byUnit.needsProcess());
        assertTrue(byUnit.toString().startsWith("per uid and unit: "), byUnit.toString());
        assertTrue(CallerLimits.builder().per(CallerLimits.Per.UID_AND_EXECUTABLE).build().needsProcess());
    }

    @Test
    void aFractionalRateIsShownAsGiven()
    {
        assertTrue(CallerLimits.builder().requestRate(0.5, 1).build().toString().contains("0.5 requests/s (burst 1)"));
    }

    @Test
    void nonsenseIsRefusedSayingWhatToGive()
    {
        CallerLimits.Builder builder = CallerLimits.builder();
        assertThrows(IllegalArgumentException.class, () -> builder.maxConnections(0));
        assertThrows(IllegalArgumentException.class, () -> builder.maxRequestsInFlight(-1));
        assertThrows(IllegalArgumentException.class, () -> builder.maxRefusedConnections(-1));
        assertThrows(IllegalArgumentException.class, () -> builder.requestRate(0, 10));
        assertThrows(IllegalArgumentException.class, () -> builder.requestRate(Double.NaN, 10));
        assertThrows(IllegalArgumentException.class, () -> builder.requestRate(Double.POSITIVE_INFINITY, 10));
        assertThrows(IllegalArgumentException.class, () -> builder.requestRate(10, 0));
        assertThrows(IllegalArgumentException.class, () -> builder.requestRate(10, CallerLimits.MAX_BURST + 1));
        assertThrows(NullPointerException.class, () -> builder.per(null));
        // Zero refused connections waiting is a choice: refused peers are closed unanswered.
        assertEquals(0, builder.maxRefusedConnections(0).build().maxRefusedConnections());
    }
}
