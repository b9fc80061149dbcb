package dev.ferry.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples the application once a second: its resident set size from {@code /proc}, and for Ferry, from its
 * actuator metrics, the heap in use, the live data left after the last collection, and how many records it has
 * ingested and invocations it has completed so far (which shows a backlog moving into PostgreSQL without
 * counting rows there).
 */
final class Sampler implements AutoCloseable {

    private static final double MIB = 1024.0 * 1024.0;
    private static final String HEAP = "jvm_memory_used_bytes";
    private static final String LIVE = "jvm_gc_live_data_size_bytes";
    private static final String INGESTED = "ferry_records_ingested_total";
    private static final String COMPLETED = "ferry_invocations_completed_total";

    /**
     * One sample; -1 where unknown (the plain consumer has no metrics endpoint). Live data stays 0 until the
     * first collection of the old generation.
     */
    record Sample(double seconds, double rssMib, double heapMib, double liveMib, long ingested, long completed) {
    }

    /** The samples, and the memory they add up to. */
    record Sampled(ScenarioResult.Memory memory, List<Sample> series) {
    }

    private final long pid;
    private final JsonHttp actuator;
    private final long started = System.nanoTime();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "sampler");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Sample> samples = new ArrayList<>();

    /** Starts sampling; {@code actuator} is null when the process has no metrics endpoint. */
    Sampler(long pid, JsonHttp actuator) {
        this.pid = pid;
        this.actuator = actuator;
        timer.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
    }

    private void sample() {
        long rss = ProcStats.rss(pid);
        Map<String, Double> metrics = metrics();
        Sample sample = new Sample(Math.round((System.nanoTime() - started) / 1e8) / 10.0, rss < 0 ? -1 : rss / MIB,
                mib(metrics.getOrDefault(HEAP, -1.0)), mib(metrics.getOrDefault(LIVE, -1.0)),
                counted(metrics, INGESTED), counted(metrics, COMPLETED));
        synchronized (samples) {
            samples.add(sample);
        }
    }

    /**
     * The four series, each summed over its tags, from one Prometheus scrape restricted to them: one request a
     * second costs Ferry a quarter of what four metric look-ups did, and the CPU it costs counts as Ferry's.
     * Empty for a process without a metrics endpoint, or when the scrape fails; a counter that has not counted
     * yet is not there.
     */
    private Map<String, Double> metrics() {
        Map<String, Double> values = new HashMap<>();
        if (actuator == null) {
            return values;
        }
        String text;
        try {
            // the filter takes a counter's family name, without the _total its samples carry
            text = actuator.text("/actuator/prometheus?includedNames=" + String.join(",", HEAP, LIVE,
                    family(INGESTED), family(COMPLETED)));
        } catch (RuntimeException e) {
            return values;
        }
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int name = line.indexOf('{') >= 0 ? line.indexOf('{') : line.indexOf(' ');
            int value = line.lastIndexOf(' ');
            if (name > 0 && value > name) {
                values.merge(line.substring(0, name), heapOnly(line) ? Double.parseDouble(line.substring(value + 1))
                        : 0.0, Double::sum);
            }
        }
        return values;
    }

    private static String family(String counterSamples) {
        return counterSamples.substring(0, counterSamples.length() - "_total".length());
    }

    /** A counter's value; 0 before it has counted, -1 for a process without a metrics endpoint. */
    private long counted(Map<String, Double> metrics, String name) {
        return actuator == null ? -1 : metrics.getOrDefault(name, 0.0).longValue();
    }

    /** Of the memory series, only the heap's pools count. */
    private static boolean heapOnly(String line) {
        return !line.startsWith(HEAP) || line.contains("area=\"heap\"");
    }

    private static double mib(double bytes) {
        return bytes < 0 ? -1 : bytes / MIB;
    }

    /** Stops sampling and summarises; the peak RSS is the process's own high-water mark. */
    Sampled stop() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sample();
        synchronized (samples) {
            double peakRss = -1;
            double peakHeap = -1;
            double peakLive = -1;
            for (Sample sample : samples) {
                peakRss = Math.max(peakRss, sample.rssMib());
                peakHeap = Math.max(peakHeap, sample.heapMib());
                peakLive = Math.max(peakLive, sample.liveMib());
            }
            Sample first = samples.getFirst();
            Sample last = samples.getLast();
            long highWaterMark = ProcStats.peakRss(pid);
            return new Sampled(new ScenarioResult.Memory(highWaterMark < 0 ? -1 : highWaterMark / MIB, peakRss,
                    first.heapMib(), peakHeap, last.heapMib(), first.liveMib(), peakLive, last.liveMib(),
                    samples.size()), List.copyOf(samples));
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
