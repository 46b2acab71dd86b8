package io.github.unixhttp.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Every measurement of one bench run, and what is made of them: medians, ratios computed within each round, a
 * Markdown report, a CSV and a chart.
 */
final class Results
{
    /** One number: which round, what part of the bench, who, under which load, which variant. */
    record Measurement(int round, String section, String subject, String workload, String variant, double value, String unit)
    {
    }

    private final List<Measurement> measurements = new ArrayList<>();

    synchronized void add(Measurement measurement)
    {
        measurements.add(measurement);
        System.out.printf(Locale.ROOT, "  round %d  %-8s %-20s %-8s %-12s %,12.0f %s%n", measurement.round(), measurement.section(),
            measurement.subject(), measurement.workload(), measurement.variant(), measurement.value(), measurement.unit());
    }

    List<Measurement> select(Predicate<Measurement> filter)
    {
        return measurements.stream().filter(filter).toList();
    }

    double median(String section, String subject, String workload, String variant)
    {
        return median(select(m -> m.section().equals(section) && m.subject().equals(subject) && m.workload().equals(workload) &&
            m.variant().equals(variant)).stream().map(Measurement::value).toList());
    }

    /**
     * @return the median over rounds of subject / reference, each ratio taken within its own round; NaN if none
     */
    double medianRatio(String section, String subject, String reference, String workload, String variant)
    {
        return median(ratios(section, subject, reference, workload, variant));
    }

    /**
     * @return subject / reference in each round that measured both, in round order
     */
    List<Double> ratios(String section, String subject, String reference, String workload, String variant)
    {
        return perRound(section, subject, reference, workload, variant, (measured, base) -> base > 0 ? measured / base : Double.NaN);
    }

    /** @return per round, the subject's value minus the reference's (the rounds where both were measured) */
    List<Double> differences(String section, String subject, String reference, String workload, String variant)
    {
        return perRound(section, subject, reference, workload, variant, (measured, base) -> measured - base);
    }

    /** @return per round where both were measured, the subject's value and the reference's combined (NaN: left out) */
    private List<Double> perRound(String section, String subject, String reference, String workload, String variant,
                                  java.util.function.DoubleBinaryOperator combined)
    {
        List<Double> values = new ArrayList<>();
        for (Measurement measured : select(m -> m.section().equals(section) && m.subject().equals(subject) && m.workload().equals(workload) &&
            m.variant().equals(variant)))
        {
            select(m -> m.section().equals(section) && m.subject().equals(reference) && m.workload().equals(workload) &&
                m.variant().equals(variant) && m.round() == measured.round()).stream().findFirst()
                .map(base -> combined.applyAsDouble(measured.value(), base.value())).filter(value -> !value.isNaN()).ifPresent(values::add);
        }
        return values;
    }

    static double median(List<Double> values)
    {
        if (values.isEmpty())
            return Double.NaN;
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    Set<String> values(String section, java.util.function.Function<Measurement, String> field)
    {
        Set<String> values = new LinkedHashSet<>();
        select(m -> m.section().equals(section)).forEach(m -> values.add(field.apply(m)));
        return values;
    }

    void writeCsv(Path file) throws IOException
    {
        StringBuilder csv = new StringBuilder("round,section,subject,workload,variant,value,unit\n");
        for (Measurement m : measurements)
            csv.append(String.format(Locale.ROOT, "%d,%s,%s,%s,%s,%.2f,%s%n", m.round(), m.section(), m.subject(), m.workload(),
                m.variant(), m.value(), m.unit()));
        Files.writeString(file, csv);
    }

    /**
     * Bars of each subject's ratio to the reference, per section, workload and variant: the direct server runs
     * ({@code workload variant}) and then the reverse-proxy ones ({@code variant workload}, e.g. "nginx-keepalive c16").
     */
    void writeRatioChart(Path file, List<String> sections, String reference, String title) throws IOException
    {
        CategoryChart chart = new CategoryChartBuilder().width(1300).height(600).title(title)
            .xAxisTitle("workload / handler, then behind nginx").yAxisTitle("throughput ratio to " + reference + " (within each round, median)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setAvailableSpaceFill(0.85);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setXAxisLabelRotation(30);
        List<String[]> categories = new ArrayList<>();
        Set<String> subjects = new LinkedHashSet<>();
        for (String section : sections)
        {
            for (String workload : values(section, Measurement::workload))
            {
                for (String variant : values(section, Measurement::variant))
                {
                    if (!select(m -> m.section().equals(section) && m.workload().equals(workload) && m.variant().equals(variant)).isEmpty())
                        categories.add(new String[]{section, workload, variant});
                }
            }
            subjects.addAll(values(section, Measurement::subject));
        }
        List<String> labels = categories.stream().map(c -> c[0].equals(Bench.SERVER) ? c[1] + " " + c[2] : c[2] + " " + c[1]).toList();
        for (String subject : subjects)
        {
            if (subject.equals(reference))
                continue;
            List<Double> ratios = new ArrayList<>();
            for (String[] category : categories)
            {
                double ratio = medianRatio(category[0], subject, reference, category[1], category[2]);
                ratios.add(Double.isNaN(ratio) ? 0.0 : ratio);
            }
            chart.addSeries(subject, labels, ratios);
        }
        BitmapEncoder.saveBitmap(chart, file.toString().replaceAll("\\.png$", ""), BitmapEncoder.BitmapFormat.PNG);
    }

    /** A Markdown table: one row per subject, one column per workload/variant, cells "median (ratio)". */
    String table(String section, String reference, String unit)
    {
        List<String[]> columns = new ArrayList<>();
        for (String workload : values(section, Measurement::workload))
        {
            for (String variant : values(section, Measurement::variant))
            {
                if (!select(m -> m.section().equals(section) && m.workload().equals(workload) && m.variant().equals(variant)).isEmpty())
                    columns.add(new String[]{workload, variant});
            }
        }
        StringBuilder table = new StringBuilder("| " + section + " |");
        columns.forEach(c -> table.append(' ').append(c[0]).append(' ').append(c[1]).append(" |"));
        table.append("\n|---|");
        columns.forEach(c -> table.append("---:|"));
        table.append('\n');
        // The reference first, the others in the order they were measured.
        for (String subject : values(section, Measurement::subject).stream().sorted(Comparator.comparing(s -> s.equals(reference) ? 0 : 1)).toList())
        {
            table.append("| ").append(subject).append(" |");
            for (String[] column : columns)
            {
                double median = median(section, subject, column[0], column[1]);
                double ratio = medianRatio(section, subject, reference, column[0], column[1]);
                table.append(Double.isNaN(median) ? " – |" : String.format(Locale.ROOT, " %,.0f%s |", median,
                    reference == null || Double.isNaN(ratio) ? "" : String.format(Locale.ROOT, " (%.2fx)", ratio)));
            }
            table.append('\n');
        }
        return table.append("\nValues are medians over rounds, in ").append(unit)
            .append(reference == null ? "" : "; in brackets the median of the per-round ratios to " + reference).append(".\n").toString();
    }
}
