package io.github.unixhttp.connector.limits;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.unixhttp.connector.internal.limits.CallerLedger;
import io.github.unixhttp.connector.internal.limits.CallerLedger.Admission;
import io.github.unixhttp.connector.internal.limits.RequestPermit;
import io.github.unixhttp.core.PeerCredentials;
import io.github.unixhttp.core.PeerProcess;
import org.eclipse.jetty.io.ByteArrayEndPoint;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ledger's arithmetic, without sockets: what each caller may take, that everything taken is given back exactly
 * once, and that callers who hold nothing are forgotten. The integration tests beside this one do it over sockets.
 */
class CallerLedgerTest
{
    private final ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler("ledger-test", true);
    private final CallerLedger ledger = new CallerLedger("test-connector");

    @BeforeEach
    void startScheduler() throws Exception
    {
        scheduler.start();
    }

    @AfterEach
    void stopScheduler() throws Exception
    {
        scheduler.stop();
    }

    @Test
    void overItsConnectionLimitACallerIsAnsweredUntilItsUserHasEnoughWaitingThenClosedAtOnce()
    {
        ledger.start(CallerLimits.builder().maxConnections(2).maxRefusedConnections(1).build(), scheduler);
        PeerCredentials alice = peer(1000);
        assertEquals(Admission.SERVE, ledger.admit(endPoint(), alice));
        assertEquals(Admission.SERVE, ledger.admit(endPoint(), alice));
        assertEquals(Admission.ANSWER_OVER_LIMIT, ledger.admit(endPoint(), alice));
        assertEquals(Admission.CLOSE, ledger.admit(endPoint(), alice));
        // Another user is not affected.
        assertEquals(Admission.SERVE, ledger.admit(endPoint(), peer(2000)));

        assertEquals(2, ledger.connectionsRefused());
        assertEquals(1, ledger.closedUnanswered());
        assertEquals(List.of("uid 1000: 2 connections, 0 in flight, 1 refused waiting; refused 2 connections, 0 requests",
            "uid 2000: 1 connection, 0 in flight, 0 refused waiting; refused 0 connections, 0 requests"), lines());
    }

    @Test
    void whatAConnectionHeldIsGivenBackOnceHoweverOftenItsCloseIsReported()
    {
        ledger.start(CallerLimits.builder().maxConnections(2).build(), scheduler);
        PeerCredentials alice = peer(1000);
        EndPoint first = endPoint();
        EndPoint second = endPoint();
        assertEquals(Admission.SERVE, ledger.admit(first, alice));
        assertEquals(Admission.SERVE, ledger.admit(second, alice));
        ledger.closed(first);
        ledger.closed(first);
        ledger.closed(first);
        EndPoint third = endPoint();
        assertEquals(Admission.SERVE, ledger.admit(third, alice));
        assertEquals(Admission.ANSWER_OVER_LIMIT, ledger.admit(endPoint(), alice), "one close counted once, not thrice");
    }

    @Test
    void aCallerThatHoldsNothingIsForgotten()
    {
        ledger.start(CallerLimits.builder().maxConnections(5).build(), scheduler);
        List<EndPoint> endPoints = new ArrayList<>();
        for (int uid = 1000; uid < 1100; uid++)
        {
            EndPoint endPoint = endPoint();
            endPoints.add(endPoint);
            ledger.admit(endPoint, peer(uid));
        }
        assertEquals(100, ledger.activity().size());
        endPoints.forEach(ledger::closed);
        assertEquals(List.of(), ledger.activity());
        assertEquals(0, ledger.leases());
    }

    @Test
    void refusedConnectionsWaitPerUserWhateverProgramMakesThem()
    {
        ledger.start(CallerLimits.builder().per(CallerLimits.Per.UID_AND_EXECUTABLE).maxRefusedConnections(3).build(), scheduler);
        int waiting = 0;
        for (int i = 0; i < 10; i++)
        {
            if (ledger.holdRefused(endPoint(), peer(1000).withProcess(PeerProcess.of(4000 + i, Path.of("/tmp/copy" + i), null))))
                waiting++;
        }
        assertEquals(3, waiting);
        assertEquals(7, ledger.closedUnanswered());
    }

    @Test
    void eachProgramOfAUserIsACallerWhenLimitsAreByUnitAndAnUnknownOneCountsAsItsUser()
    {
        ledger.start(CallerLimits.builder().per(CallerLimits.Per.UID_AND_UNIT).maxConnections(1).build(), scheduler);
        PeerCredentials nginx = peer(33).withProcess(PeerProcess.of(812, Path.of("/usr/sbin/nginx"), "/system.slice/nginx.service"));
        PeerCredentials cron = peer(33).withProcess(PeerProcess.of(913, Path.of("/usr/bin/curl"), "/system.slice/cron.service"));
        PeerCredentials unknown = peer(33).withUnknownProcess("gone");
        assertEquals(Admission.SERVE, ledger.admit(endPoint(), nginx));
        assertEquals(Admission.SERVE, ledger.admit(endPoint(), cron));
        assertEquals(Admission.SERVE, ledger.admit(endPoint(), unknown));
        assertEquals(Admission.ANSWER_OVER_LIMIT, ledger.admit(endPoint(), nginx));
        assertEquals(Admission.ANSWER_OVER_LIMIT, ledger.admit(endPoint(), unknown));
        assertEquals(List.of("uid 33", "uid 33, unit cron.service", "uid 33, unit nginx.service"),
            ledger.activity().stream().map(CallerActivity::caller).toList());
    }

    @Test
    void aPeerWhoseUserIsUnknownIsNotLimited()
    {
        ledger.start(CallerLimits.builder().maxConnections(1).maxRefusedConnections(0).build(), scheduler);
        PeerCredentials nobodyKnows = PeerCredentials.ofNames(null, null);
        for (int i = 0; i < 5; i++)
        {
            EndPoint endPoint = endPoint();
            assertEquals(Admission.SERVE, ledger.admit(endPoint, nobodyKnows));
            assertTrue(ledger.holdRefused(endPoint, nobodyKnows));
        }
        assertEquals(0, ledger.leases());
        // Where only names are read, the name tells callers apart.
        assertEquals(Admission.SERVE, ledger.admit(endPoint(), PeerCredentials.ofNames("alice", "alice")));
        // Her second: over the limit, and with no refused connection let wait, closed.
        assertEquals(Admission.CLOSE, ledger.admit(endPoint(), PeerCredentials.ofNames("alice", "alice")));
        assertEquals("user alice", ledger.activity().get(0).caller());
    }

    @Test
    void requestsOverTheLimitInFlightAreRefusedAndEachPlaceIsGivenBackOnce()
    {
        ledger.start(CallerLimits.builder().maxRequestsInFlight(2).build(), scheduler);
        PeerCredentials alice = peer(1000);
        EndPoint connection = endPoint();
        EndPoint another = endPoint();
        ledger.admit(connection, alice);
        ledger.admit(another, alice);
        RequestPermit first = ledger.admitRequest(connection, alice);
        RequestPermit second = ledger.admitRequest(another, alice);
        assertFalse(first.isRefused());
        assertFalse(second.isRefused());
        RequestPermit third = ledger.admitRequest(connection, alice);
        assertTrue(third.isRefused(), "two in flight over two connections");
        assertEquals(1, third.retryAfterSeconds());
        assertEquals(429, third.refusal().getCode());
        first.release();
        first.release();
        third.release();
        assertFalse(ledger.admitRequest(connection, alice).isRefused());
        assertTrue(ledger.admitRequest(connection, alice).isRefused(), "a double release gave back one place only");
        assertEquals(2, ledger.requestsRefused());
        assertEquals("uid 1000: 2 connections, 2 in flight, 0 refused waiting; refused 0 connections, 2 requests",
            ledger.activity().get(0).toString());
    }

    @Test
    void requestsOverTheRateAreRefusedWithTheSecondsUntilTheNextToken()
    {
        ledger.start(CallerLimits.builder().requestRate(0.25, 2).build(), scheduler);
        PeerCredentials alice = peer(1000);
        EndPoint connection = endPoint();
        ledger.admit(connection, alice);
        long begun = System.nanoTime();
        ledger.admitRequest(connection, alice).release();
        ledger.admitRequest(connection, alice).release();
        RequestPermit refused = ledger.admitRequest(connection, alice);
        double elapsed = (System.nanoTime() - begun) / 1e9;
        assertTrue(refused.isRefused());
        // A token every 4 s, the first taken within `elapsed` of now: the next comes in 4 s less at most that,
        // rounded up (4 unless this thread stalled).
        long retryAfter = refused.retryAfterSeconds();
        assertTrue(retryAfter <= 4 && retryAfter >= (int)Math.ceil(4 - elapsed), retryAfter + " s after " + elapsed + " s");
        assertEquals(1, ledger.requestsRefused());
    }

    @Test
    void requestsAreNotCountedWhenOnlyConnectionsAreLimited()
    {
        ledger.start(CallerLimits.DEFAULTS, scheduler);
        EndPoint connection = endPoint();
        ledger.admit(connection, peer(1000));
        assertNull(ledger.admitRequest(connection, peer(1000)));
    }

    @Test
    void aCallerWhoseBucketIsStillRefillingIsForgottenOnceItHasRefilled() throws Exception
    {
        // A caller that left with an empty bucket, forgotten at once, would come back with a full one: a client
        // making a connection per request would never see its rate.
        // A token every 2 s: refilled long after the checks below, however slow the machine, and well within the wait.
        ledger.start(CallerLimits.builder().requestRate(0.5, 1).build(), scheduler);
        PeerCredentials alice = peer(1000);
        EndPoint connection = endPoint();
        ledger.admit(connection, alice);
        ledger.admitRequest(connection, alice).release();
        ledger.closed(connection);
        EndPoint next = endPoint();
        ledger.admit(next, alice);
        assertTrue(ledger.admitRequest(next, alice).isRefused(), "a new connection has the same empty bucket");
        ledger.closed(next);
        assertEquals(1, ledger.activity().size(), "kept while its bucket refills");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!ledger.activity().isEmpty() && System.nanoTime() < deadline)
            Thread.sleep(50);
        assertEquals(List.of(), ledger.activity(), "the sweep forgot it once its bucket was full");
    }

    @Test
    void racingConnectionsNeverExceedTheLimitAndLeaveNothingBehind() throws Exception
    {
        int max = 4;
        ledger.start(CallerLimits.builder().maxConnections(max).maxRefusedConnections(2).maxRequestsInFlight(3).build(), scheduler);
        ConcurrentHashMap<Integer, AtomicInteger> served = new ConcurrentHashMap<>();
        AtomicInteger overLimit = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try
        {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < 8; t++)
            {
                workers.add(pool.submit(() ->
                {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < 20_000; i++)
                    {
                        int uid = 1000 + random.nextInt(3);
                        PeerCredentials peer = peer(uid);
                        EndPoint endPoint = endPoint();
                        if (ledger.admit(endPoint, peer) == Admission.SERVE)
                        {
                            AtomicInteger count = served.computeIfAbsent(uid, any -> new AtomicInteger());
                            if (count.incrementAndGet() > max)
                                overLimit.incrementAndGet();
                            RequestPermit permit = ledger.admitRequest(endPoint, peer);
                            permit.release();
                            count.decrementAndGet();
                        }
                        ledger.closed(endPoint);
                    }
                }));
            }
            for (Future<?> worker : workers)
                worker.get(60, TimeUnit.SECONDS);
        }
        finally
        {
            pool.shutdownNow();
        }
        assertEquals(0, overLimit.get(), "times a caller was served over its limit");
        assertEquals(0, ledger.leases());
        assertEquals(List.of(), ledger.activity());
    }

    private List<String> lines()
    {
        return ledger.activity().stream().map(CallerActivity::toString).toList();
    }

    private static PeerCredentials peer(int uid)
    {
        return PeerCredentials.of(4321, uid, uid, new int[0], "user" + uid, "group" + uid);
    }

    private static EndPoint endPoint()
    {
        return new ByteArrayEndPoint();
    }
}
