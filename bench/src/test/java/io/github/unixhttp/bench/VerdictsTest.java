package io.github.unixhttp.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the bench judges a target from its rounds, and how it compares runs. */
class VerdictsTest
{
    @Test
    void aTargetEveryRoundMeetsIsMet()
    {
        assertEquals("met", Report.verdict(3, 3, "missed by 1%"));
    }

    @Test
    void aTargetNoRoundMeetsIsMissedWithHowFar()
    {
        assertEquals("missed by 1%", Report.verdict(0, 3, "missed by 1%"));
    }

    @Test
    void roundsOnBothSidesOfATargetLeaveItUndecided()
    {
        assertEquals("undecided (2 of 3 rounds met it)", Report.verdict(2, 3, "missed by 1%"));
    }

    @Test
    void theTargetsTableJudgesEachRoundAgainstTheGoal()
    {
        Results results = new Results();
        // Churn: ours / Jetty = 1.4, 1.35, 1.25 → two rounds meet 1.3x, one does not.
        double[] ours = {1400, 1350, 1250};
        for (int round = 1; round <= 3; round++)
        {
            results.add(new Results.Measurement(round, Bench.SERVER, "unixhttp", "churn16", "blocking", ours[round - 1], "req/s"));
            results.add(new Results.Measurement(round, Bench.SERVER, "jetty-uds", "churn16", "blocking", 1000, "req/s"));
        }
        Map<String, String[]> rows = VerdictAgreement.targetRows(List.of(("## Targets\n\n" + Report.targetTable(results)).split("\n")));
        String[] churn = rows.get("1. churn ≥ 1.3x Jetty UDS, direct");
        assertEquals("1.350x", churn[0]);
        assertEquals("1.250–1.400 (3)", churn[1]);
        assertEquals("undecided (2 of 3 rounds met it)", churn[2]);
        assertEquals("not measured in this run", rows.get("2. keep-alive ≥ 1.00x Jetty UDS, direct, c16")[0]);
    }

    @Test
    void runsAgreeOnATargetOnlyIfTheirVerdictsAreOfOneKind()
    {
        Map<String, String[]> first = Map.of("a", new String[]{"1.1x", "-", "met"}, "b", new String[]{"0.9x", "-", "missed by 10%"});
        Map<String, String[]> second = Map.of("a", new String[]{"1.2x", "-", "met"}, "b", new String[]{"0.97x", "-", "missed by 3%"});
        Map<String, String[]> third = Map.of("a", new String[]{"1.0x", "-", "undecided (1 of 3 rounds met it)"},
            "b", new String[]{"0.95x", "-", "missed by 5%"});
        String table = VerdictAgreement.compare(List.of(Path.of("1"), Path.of("2"), Path.of("3")), List.of(first, second, third));
        assertTrue(table.contains("**1 of 2 judged targets agree** (0 of them on undecided); 0 met in one run and missed in another"), table);
        Map<String, String[]> fourth = Map.of("a", new String[]{"0.9x", "-", "missed by 10%"}, "b", new String[]{"0.9x", "-", "missed by 10%"});
        String contradicting = VerdictAgreement.compare(List.of(Path.of("1"), Path.of("4")), List.of(first, fourth));
        assertTrue(contradicting.contains("**1 of 2 judged targets agree** (0 of them on undecided); 1 met in one run and missed in another"), contradicting);
        // Agreeing that a target cannot be decided is agreement, and said apart.
        Map<String, String[]> undecided = Map.of("a", new String[]{"1.0x", "-", "undecided (2 of 3 rounds met it)"},
            "b", new String[]{"0.9x", "-", "missed by 10%"});
        String onUndecided = VerdictAgreement.compare(List.of(Path.of("3"), Path.of("5")), List.of(third, undecided));
        assertTrue(onUndecided.contains("**2 of 2 judged targets agree** (1 of them on undecided)"), onUndecided);
    }
}
