package dev.ferry.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of a run's report beyond the main table: how each Ferry started and what its JIT compiled, the
 * pre-filled table and its retention (13), and several instances against one (14 to 17).
 */
final class ReportNotes {

    private ReportNotes() {
    }

    /** Every Ferry start to readiness of the run, in seconds, with its minimum, median and maximum. */
    static Map<String, Object> startups(List<ScenarioResult> results) {
        List<Double> all = new ArrayList<>();
        results.stream().filter(r -> r.start() != null).forEach(r -> all.addAll(r.start().startupSeconds()));
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("starts", all.size());
        if (!all.isEmpty()) {
            List<Double> sorted = all.stream().sorted().toList();
            summary.put("min", sorted.getFirst());
            summary.put("median", median(sorted));
            summary.put("max", sorted.getLast());
        }
        summary.put("all", all);
        return summary;
    }

    /** A table of the starts and the JIT per Ferry scenario, and a line with the start-up's minimum and median. */
    static String starts(List<ScenarioResult> results) {
        List<ScenarioResult> started = results.stream().filter(r -> r.start() != null).toList();
        if (started.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder("""

                | # | start-up s (process to readiness UP) | Spring's application.ready.time s \
                | JIT compile s: before the records | while they ran | AOT cache |
                |---|---|---:|---:|---:|---|
                """);
        for (ScenarioResult r : started) {
            ScenarioResult.Start start = r.start();
            text.append("| %d | %s | %s | %s | %s | %s |\n".formatted(r.scenario(),
                    String.join(", ", start.startupSeconds().stream().map(s -> "%.1f".formatted(s)).toList()),
                    seconds(start.springReadySeconds()), seconds(start.compileSecondsAtReady()),
                    seconds(start.compileSecondsInWindow()),
                    start.aotCache() == null ? "none" : start.aotCache() + " (-XX:AOTMode=on)"));
        }
        Map<String, Object> summary = startups(results);
        if (summary.containsKey("median")) {
            text.append("\nStart-up, `java ... -jar` to `/actuator/health/readiness` UP, over %d start(s): min %.1f s, "
                    .formatted((Integer) summary.get("starts"), (Double) summary.get("min")))
                    .append("median %.1f s, max %.1f s. JIT compile time is `jvm.compilation.time` (summed over "
                            .formatted((Double) summary.get("median"), (Double) summary.get("max")))
                    .append("instances).\n");
        }
        return text.toString();
    }

    /** Scenario 13 against scenario 1 of the same run, and its retention sweep. */
    static String prefilled(List<ScenarioResult> results) {
        StringBuilder text = new StringBuilder();
        for (ScenarioResult r : results) {
            ScenarioResult.Prefill prefill = r.prefill();
            if (prefill == null) {
                continue;
            }
            text.append(("\nPre-filled table (scenario %d): %,d completed invocations inserted in %.0f s "
                    + "(%,.0f rows/s), ").formatted(r.scenario(), prefill.rows(), prefill.fillSeconds(),
                            prefill.rows() / Math.max(0.001, prefill.fillSeconds())))
                    .append("vacuumed in %.0f s, %.1f GiB with indexes. ".formatted(prefill.vacuumSeconds(),
                            prefill.sizeGib()))
                    .append(against(r, base(results, 1)));
            ScenarioResult.Retention retention = prefill.retention();
            if (retention != null) {
                text.append(" Retention (`ferry.invocations.retention=%s`, all pre-filled rows expired): "
                        .formatted(retention.retention()))
                        .append("%,d of %,d deleted %.0f s after readiness%s, at %,.0f rows/s; ".formatted(
                                retention.deleted(), retention.expired(), retention.seconds(),
                                retention.complete() ? "" : " (time limit)", retention.rowsPerSecond()))
                        .append("CPU per 1,000 rows deleted: Ferry %.1f ms, PostgreSQL %.1f ms.".formatted(
                                perThousand(retention.ferryCpuSeconds(), retention.deleted()),
                                perThousand(retention.postgresCpuSeconds(), retention.deleted())));
            }
            text.append('\n');
        }
        return text.toString();
    }

    /** Scenarios 14 to 17 against the one-instance scenario of the same load in the same run. */
    static String instances(List<ScenarioResult> results) {
        StringBuilder text = new StringBuilder();
        for (ScenarioResult r : results) {
            if (r.instances() == null) {
                continue;
            }
            text.append("\nScenario %d: %d instances, partitions per instance %s. ".formatted(r.scenario(),
                    r.instances().count(), String.join("/", r.instances().partitions().stream()
                            .map(String::valueOf).toList())))
                    .append(against(r, base(results, r.scenario() <= 15 ? 1 : 2))).append('\n');
        }
        return text.toString();
    }

    private static Optional<ScenarioResult> base(List<ScenarioResult> results, int scenario) {
        return results.stream().filter(r -> r.scenario() == scenario).findFirst();
    }

    private static String against(ScenarioResult r, Optional<ScenarioResult> base) {
        if (base.isEmpty()) {
            return "(Not compared: the one-instance, empty-table scenario did not run with it.)";
        }
        ScenarioResult b = base.get();
        return ("Against scenario %d of this run: %,.0f against %,.0f records/s (%+.0f%%), Ferry CPU %.3f against "
                + "%.3f ms/record (%+.0f%%), PostgreSQL %.3f against %.3f (%+.0f%%).").formatted(b.scenario(),
                r.recordsPerSecond(), b.recordsPerSecond(), change(r.recordsPerSecond(), b.recordsPerSecond()),
                r.cpuMillisPerRecord().app(), b.cpuMillisPerRecord().app(),
                change(r.cpuMillisPerRecord().app(), b.cpuMillisPerRecord().app()),
                r.cpuMillisPerRecord().postgres(), b.cpuMillisPerRecord().postgres(),
                change(r.cpuMillisPerRecord().postgres(), b.cpuMillisPerRecord().postgres()));
    }

    private static double change(double value, double base) {
        return base == 0 ? 0 : (value / base - 1) * 100;
    }

    private static double perThousand(double cpuSeconds, long rows) {
        return rows == 0 ? 0 : cpuSeconds * 1000 * 1000 / rows;
    }

    private static double median(List<Double> sorted) {
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    private static String seconds(double value) {
        return value < 0 ? "n/a" : "%.1f".formatted(value);
    }
}
