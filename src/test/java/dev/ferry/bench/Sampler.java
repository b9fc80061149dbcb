package dev.ferry.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;

/**
 * Samples the application's memory once a second: resident set size from {@code /proc}, and for Ferry its
 * heap in use and the live data left after the last collection, from its actuator metrics.
 */
final class Sampler implements AutoCloseable {

    private static final double MIB = 1024.0 * 1024.0;

    private final long pid;
    private final JsonHttp actuator;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "sampler");
        thread.setDaemon(true);
        return thread;
    });
    private final List<double[]> samples = new ArrayList<>();

    /** Starts sampling; {@code actuator} is null when the process has no metrics endpoint. */
    Sampler(long pid, JsonHttp actuator) {
        this.pid = pid;
        this.actuator = actuator;
        timer.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
    }

    private void sample() {
        double rss = ProcStats.rss(pid) / MIB;
        double heap = metric("jvm.memory.used?tag=area:heap");
        double live = metric("jvm.gc.live.data.size");
        synchronized (samples) {
            samples.add(new double[] {rss, heap, live});
        }
    }

    private double metric(String name) {
        if (actuator == null) {
            return -1;
        }
        try {
            JsonNode measurements = actuator.get("/actuator/metrics/" + name).path("measurements");
            return measurements.isEmpty() ? -1 : measurements.get(0).path("value").asDouble() / MIB;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Stops sampling and summarises; the peak RSS is the process's own high-water mark. */
    ScenarioResult.Memory stop() {
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
            for (double[] sample : samples) {
                peakRss = Math.max(peakRss, sample[0]);
                peakHeap = Math.max(peakHeap, sample[1]);
                peakLive = Math.max(peakLive, sample[2]);
            }
            double[] first = samples.getFirst();
            double[] last = samples.getLast();
            long highWaterMark = ProcStats.peakRss(pid);
            return new ScenarioResult.Memory(highWaterMark < 0 ? -1 : highWaterMark / MIB, peakRss, first[1], peakHeap,
                    last[1], first[2], peakLive, last[2], samples.size());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
