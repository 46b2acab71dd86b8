package io.github.unixhttp.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whether runs of the bench agree: reads the targets table of each report given and prints, per target, each run's
 * verdict and whether they all agree (a verdict is compared by its kind: met, missed, undecided, stated), and how many
 * targets one run says are met and another missed: the contradictions a verdict rule must not produce.
 *
 * <pre>java -cp bench/target/unixhttp-bench.jar io.github.unixhttp.bench.VerdictAgreement run1.md run2.md run3.md [--out FILE]</pre>
 */
public final class VerdictAgreement
{
    private VerdictAgreement()
    {
    }

    public static void main(String[] args) throws Exception
    {
        List<Path> reports = new ArrayList<>();
        Path out = null;
        for (int i = 0; i < args.length; i++)
        {
            if (args[i].equals("--out"))
                out = Path.of(args[++i]);
            else
                reports.add(Path.of(args[i]));
        }
        if (reports.size() < 2)
        {
            System.err.println("usage: VerdictAgreement REPORT.md REPORT.md [REPORT.md ...] [--out FILE]");
            System.exit(2);
        }
        List<Map<String, String[]>> runs = new ArrayList<>();
        for (Path report : reports)
        {
            Map<String, String[]> rows = targetRows(Files.readAllLines(report));
            if (rows.isEmpty())
            {
                System.err.println(report + " has no targets table (\"## Targets\"): give the .md reports of --targets runs");
                System.exit(2);
            }
            runs.add(rows);
        }
        String md = compare(reports, runs);
        System.out.print(md);
        if (out != null)
            Files.writeString(out, md);
    }

    /** The rows of a report's targets table, by target: median, spread, verdict. */
    static Map<String, String[]> targetRows(List<String> lines)
    {
        Map<String, String[]> rows = new LinkedHashMap<>();
        boolean inTargets = false;
        for (String line : lines)
        {
            if (line.startsWith("## "))
                inTargets = line.equals("## Targets");
            else if (inTargets && line.startsWith("| ") && !line.startsWith("| target "))
            {
                String[] cells = line.substring(2, line.length() - 2).split(" \\| ", -1);
                if (cells.length == 4)
                    rows.put(cells[0], new String[]{cells[1], cells[2], cells[3]});
            }
        }
        return rows;
    }

    static String compare(List<Path> reports, List<Map<String, String[]>> runs)
    {
        StringBuilder md = new StringBuilder("| target |");
        for (int run = 1; run <= runs.size(); run++)
            md.append(" run ").append(run).append(" |");
        md.append(" agree |\n|---|").append("---|".repeat(runs.size())).append("---|\n");
        int judged = 0;
        int agreeing = 0;
        int contradicting = 0;
        int undecidedInEvery = 0;
        for (String target : runs.get(0).keySet())
        {
            List<String> kinds = new ArrayList<>();
            md.append("| ").append(target).append(" |");
            for (Map<String, String[]> run : runs)
            {
                String[] row = run.get(target);
                md.append(row == null ? " – |" : " " + row[0] + " " + row[2] + " |");
                kinds.add(row == null ? "absent" : kind(row[2]));
            }
            boolean agree = kinds.stream().distinct().count() == 1;
            boolean contradict = kinds.contains("met") && kinds.contains("missed");
            if (!kinds.contains("stated") && !kinds.contains("–"))
            {
                judged++;
                if (agree)
                    agreeing++;
                if (agree && kinds.get(0).equals("undecided"))
                    undecidedInEvery++;
                if (contradict)
                    contradicting++;
            }
            md.append(agree ? " yes |" : contradict ? " **no: met and missed** |" : " no |").append('\n');
        }
        return String.format(Locale.ROOT, "Verdicts of %d runs (%s): **%d of %d judged targets agree** (%d of them on " +
            "undecided); %d met in one run and missed in another (the others that differ are undecided in some run).%n%n",
            runs.size(), String.join(", ", reports.stream().map(Path::toString).toList()), agreeing, judged, undecidedInEvery,
            contradicting) + md;
    }

    /** met, missed, undecided, stated, or "–" (not measured). */
    private static String kind(String verdict)
    {
        int space = verdict.indexOf(' ');
        return space < 0 ? verdict : verdict.substring(0, space);
    }
}
