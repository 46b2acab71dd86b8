package io.github.unixhttp.connector.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.connector.internal.audit.AuditEvent;
import io.github.unixhttp.connector.internal.audit.RefusalBudget;
import io.github.unixhttp.core.PeerCredentials;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bound on refusal lines, on a clock the test drives: per caller a line and then one summary a window, across
 * callers a cap a second and a cap on callers kept, and every refusal in exactly one line.
 */
class RefusalBudgetTest
{
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long WINDOW = 10 * SECOND;
    /** The wall clock the lines show, in step with the test's nanoseconds. */
    private static final long EPOCH_MILLIS = 1_700_000_000_000L;

    private final List<AuditEvent> lines = new ArrayList<>();

    @Test
    void aCallersFirstRefusalInAWindowIsALineAndTheRestOneSummaryWhenItEnds()
    {
        RefusalBudget budget = new RefusalBudget(WINDOW, 100, 100);
        for (int i = 0; i < 5; i++)
            refuse(budget, 1000, "reason " + i, i * 1000L);
        assertEquals(List.of("refused"), kinds());
        budget.sweep(5 * SECOND, millis(5 * SECOND), lines::add);
        assertEquals(List.of("refused"), kinds(), "the window is not over");
        budget.sweep(WINDOW, millis(WINDOW), lines::add);
        assertEquals(List.of("refused", "refused-summary"), kinds());
        String summary = lines.get(1).toString();
        assertTrue(summary.endsWith("\"uid\":1000,\"user\":\"user1000\",\"scope\":\"caller\",\"count\":4," +
            "\"since\":\"2023-11-14T22:13:20.000Z\",\"reason\":\"reason 4\"}"), summary);
        assertEquals(0, budget.callers(), "a caller is forgotten once its window is over");
        assertEquals(4, budget.summarized());
    }

    @Test
    void aRefusalAfterItsWindowEndsItsSummaryAndOpensANewWindowWithALine()
    {
        RefusalBudget budget = new RefusalBudget(WINDOW, 100, 100);
        refuse(budget, 1000, "first", 0);
        refuse(budget, 1000, "second", SECOND);
        refuse(budget, 1000, "third", WINDOW + SECOND);
        assertEquals(List.of("refused", "refused-summary", "refused"), kinds());
    }

    @Test
    void aWindowWithOneRefusalHasNoSummary()
    {
        RefusalBudget budget = new RefusalBudget(WINDOW, 100, 100);
        refuse(budget, 1000, "only", 0);
        budget.sweep(WINDOW, millis(WINDOW), lines::add);
        budget.flush(WINDOW, millis(WINDOW), lines::add);
        assertEquals(List.of("refused"), kinds());
    }

    @Test
    void callersHaveWindowsOfTheirOwn()
    {
        RefusalBudget budget = new RefusalBudget(WINDOW, 100, 100);
        for (int i = 0; i < 3; i++)
        {
            refuse(budget, 1000, "r", i);
            refuse(budget, 2000, "r", i);
        }
        budget.sweep(WINDOW, millis(WINDOW), lines::add);
        assertEquals(List.of("refused", "refused", "refused-summary", "refused-summary"), kinds());
        assertEquals(List.of(2L, 2L), lines.subList(2, 4).stream().map(AuditEvent::count).toList());
    }

    @Test
    void linesOverTheCapASecondGoToOneSummaryOfAllCallers()
    {
        RefusalBudget budget = new RefusalBudget(WINDOW, 100, 5);
        for (int uid = 1; uid <= 20; uid++)
            refuse(budget, uid, "r" + uid, uid);
        assertEquals(5, lines.size());
        budget.sweep(SECOND + 20, millis(SECOND + 20), lines::add);
        assertEquals(6, lines.size());
        AuditEvent all = lines.get(5);
        assertTrue(all.toString().contains("\"scope\":\"all\",\"count\":15,") && all.toString().contains("\"reason\":\"r20\""), all.toString());
        assertEquals(15, budget.summarized());
        refuse(budget, 21, "r21", SECOND + 30);
        assertEquals(7, lines.size(), "a new second, new lines");
    }

    @Test
    void callersOverTheLimitAreCountedInTheSummaryOfAllAndNotKept()
    {
        RefusalBudget budget = new RefusalBudget(WINDOW, 3, 100);
        for (int uid = 1; uid <= 10; uid++)
            refuse(budget, uid, "r", uid);
        assertEquals(3, lines.size());
        assertEquals(3, budget.callers());
        budget.sweep(SECOND, millis(SECOND), lines::add);
        assertEquals(List.of("refused", "refused", "refused", "refused-summary"), kinds());
        assertEquals(7, lines.get(3).count());
    }

    @Test
    void aCallerWhoseWindowIsOverMakesRoomForANewOne()
    {
        RefusalBudget budget = new RefusalBudget(WINDOW, 1, 100);
        refuse(budget, 1, "r", 0);
        refuse(budget, 2, "r", WINDOW);
        assertEquals(List.of("refused", "refused"), kinds());
        assertEquals(1, budget.callers());
    }

    @Test
    void aStopSummarizesEveryWindowStillOpen()
    {
        RefusalBudget budget = new RefusalBudget(WINDOW, 100, 100);
        refuse(budget, 1, "r", 0);
        refuse(budget, 1, "r", 1);
        budget.flush(SECOND, millis(SECOND), lines::add);
        assertEquals(List.of("refused", "refused-summary"), kinds());
        assertEquals(0, budget.callers());
    }

    @Test
    void everyRefusalIsInExactlyOneLineAndTheLinesStayUnderTheCap()
    {
        int maxLines = 7;
        RefusalBudget budget = new RefusalBudget(2 * SECOND, 16, maxLines);
        Random random = new Random(24);
        long now = 0;
        long refusals = 0;
        long lastSweep = 0;
        while (now < 60 * SECOND)
        {
            now += random.nextInt(20_000_000);
            refuse(budget, random.nextInt(random.nextBoolean() ? 4 : 64), "r", now);
            refusals++;
            if (now - lastSweep >= SECOND)
            {
                budget.sweep(now, millis(now), lines::add);
                lastSweep = now;
            }
        }
        budget.flush(now, millis(now), lines::add);
        long accounted = lines.stream().mapToLong(line -> line.kind() == AuditEvent.Kind.REFUSED ? 1 : line.count()).sum();
        assertEquals(refusals, accounted);
        long capped = lines.stream().filter(line -> !line.toString().contains("\"scope\":\"all\"")).count();
        assertTrue(capped <= maxLines * (now / SECOND + 1), capped + " lines");
        assertTrue(lines.size() < refusals / 5, lines.size() + " lines for " + refusals + " refusals");
        assertEquals(refusals - lines.stream().filter(line -> line.kind() == AuditEvent.Kind.REFUSED).count(), budget.summarized());
    }

    private void refuse(RefusalBudget budget, int uid, String reason, long nanos)
    {
        budget.refused(PeerCredentials.of(uid + 1, uid, uid, null, "user" + uid, "group"), reason, nanos, millis(nanos), lines::add);
    }

    private static long millis(long nanos)
    {
        return EPOCH_MILLIS + TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private List<String> kinds()
    {
        return lines.stream().map(line -> line.kind().field()).toList();
    }
}
