package dev.ferry.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;

/**
 * Samples the application once a second: its resident set size from {@code /proc}, and for Ferry, from its
 * actuator metrics, the heap in use, the live data left after the last collection, and how many records it has
 * ingested and invocations it has completed so far (which shows a backlog moving into PostgreSQL without
 * counting rows there).
 */
final class Sampler implements AutoCloseable {

    private static final double MIB = 1024.0 * 1024.0;

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
        Sample sample = new Sample(Math.round((System.nanoTime() - started) / 1e8) / 10.0, rss < 0 ? -1 : rss / MIB,
                mib(metric("jvm.memory.used?tag=area:heap")), mib(metric("jvm.gc.live.data.size")),
                (long) metric("ferry.records.ingested"), (long) metric("ferry.invocations.completed"));
        synchronized (samples) {
            samples.add(sample);
        }
    }

    private double metric(String name) {
        if (actuator == null) {
            return -1;
        }
        try {
            JsonNode measurements = actuator.get("/actuator/metrics/" + name).path("measurements");
            return measurements.isEmpty() ? -1 : measurements.get(0).path("value").asDouble();
        } catch (RuntimeException e) {
            // a counter that has not counted yet is not registered
            return name.startsWith("ferry.") ? 0 : -1;
        }
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
