package dev.ferry.console;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The numbers behind the console's small inline SVG charts; the templates draw them, so a chart is plain
 * markup with its figures also given as text for screen readers.
 */
final class Charts {

    static final int BAR_WIDTH = 160;
    static final int LATENCY_WIDTH = 300;
    static final int LATENCY_HEIGHT = 80;

    private Charts() {
    }

    /** One partition's bar: its lag and the bar's length in px, scaled to the largest lag shown. */
    record Bar(String label, long value, int width) {
    }

    /** Two polylines (p50 and p99) over the kept samples, scaled to the slowest p99. */
    record LatencyChart(String p50, String p99, double latestP50, double latestP99, double maxMs, int points) {

        public String summary() {
            return String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms (scale up to %.0f ms, %d samples)",
                    latestP50, latestP99, maxMs, points);
        }
    }

    static List<Bar> lagBars(List<ConsoleMeters.Lag> lags) {
        long max = lags.stream().mapToLong(ConsoleMeters.Lag::lag).max().orElse(0);
        return lags.stream().map(lag -> new Bar(lag.partition(), lag.lag(),
                max == 0 || lag.lag() == 0 ? 0 : (int) Math.max(1, Math.round(BAR_WIDTH * (double) lag.lag() / max))))
                .toList();
    }

    static LatencyChart latency(List<ConsoleMeters.LatencyPoint> points) {
        if (points.isEmpty()) {
            return new LatencyChart("", "", 0, 0, 0, 0);
        }
        double max = Math.max(1, points.stream().mapToDouble(ConsoleMeters.LatencyPoint::p99).max().orElse(1));
        ConsoleMeters.LatencyPoint latest = points.getLast();
        return new LatencyChart(line(points, max, true), line(points, max, false), latest.p50(), latest.p99(), max,
                points.size());
    }

    private static String line(List<ConsoleMeters.LatencyPoint> points, double max, boolean median) {
        if (points.size() == 1) {
            // one sample: a short level stroke at the right edge, so it shows at all
            double value = median ? points.getFirst().p50() : points.getFirst().p99();
            double y = LATENCY_HEIGHT - LATENCY_HEIGHT * value / max;
            return String.format(Locale.ROOT, "%d,%.1f %d,%.1f", LATENCY_WIDTH - 8, y, LATENCY_WIDTH, y);
        }
        double step = (double) LATENCY_WIDTH / (points.size() - 1);
        return IntStream.range(0, points.size()).mapToObj(i -> {
            double value = median ? points.get(i).p50() : points.get(i).p99();
            double x = i * step;
            double y = LATENCY_HEIGHT - LATENCY_HEIGHT * value / max;
            return String.format(Locale.ROOT, "%.1f,%.1f", x, y);
        }).collect(Collectors.joining(" "));
    }
}
