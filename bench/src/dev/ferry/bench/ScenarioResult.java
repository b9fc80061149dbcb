package dev.ferry.bench;

import java.util.List;

/**
 * What one scenario measured. CPU is in seconds over the measured window and in milliseconds per completed
 * record; memory in MiB. The application ({@code app}) is Ferry, or the plain consumer in the ceiling scenario.
 *
 * @param scenario        its number (1-19)
 * @param name            what it measures
 * @param app             the process under test: {@code ferry}, {@code plain-consumer}, or restate-server with its
 *                        version ({@code restate-server 1.7.12}) in scenarios 18 and 19
 * @param records         records produced
 * @param completed       records whose invocation completed (for the ceiling: distinct records the handler saw)
 * @param complete        whether every record completed within the time limit (the lag scenario is bounded by design)
 * @param wallSeconds     first produce to last completion (the lag scenario: its fixed window)
 * @param recordsPerSecond completed records per wall second
 * @param cpuSeconds      CPU seconds used in the window, by process
 * @param cpuMillisPerRecord CPU milliseconds per completed record, by process
 * @param memory          the application's memory
 * @param latency         record timestamp to handler receipt, for the latency scenario
 * @param ordering        per-key order as the handler saw it, for keyed scenarios
 * @param lag             the backlog scenario's progress
 * @param handler         what the handler counted
 * @param loadAverage     the machine's 1-minute load average before and after (other work skews results)
 * @param samples         the application sampled once a second over the window
 * @param start           how Ferry started and how much the JIT compiled, for Ferry's scenarios
 * @param prefill         the pre-filled table and its retention, for scenario 13
 * @param instances       how many Ferry instances shared the load and how its partitions spread over them
 */
record ScenarioResult(int scenario, String name, String app, long records, long completed, boolean complete,
        double wallSeconds, double recordsPerSecond, Cpu cpuSeconds, Cpu cpuMillisPerRecord, Memory memory,
        Latency latency, Ordering ordering, Lag lag, HandlerCounts handler, LoadAverage loadAverage,
        List<Sampler.Sample> samples, Start start, Prefill prefill, Instances instances) {

    ScenarioResult withStart(Start value) {
        return new ScenarioResult(scenario, name, app, records, completed, complete, wallSeconds, recordsPerSecond,
                cpuSeconds, cpuMillisPerRecord, memory, latency, ordering, lag, handler, loadAverage, samples, value,
                prefill, instances);
    }

    ScenarioResult withPrefill(Prefill value) {
        return new ScenarioResult(scenario, name, app, records, completed, complete, wallSeconds, recordsPerSecond,
                cpuSeconds, cpuMillisPerRecord, memory, latency, ordering, lag, handler, loadAverage, samples, start,
                value, instances);
    }

    ScenarioResult withInstances(Instances value) {
        return new ScenarioResult(scenario, name, app, records, completed, complete, wallSeconds, recordsPerSecond,
                cpuSeconds, cpuMillisPerRecord, memory, latency, ordering, lag, handler, loadAverage, samples, start,
                prefill, value);
    }

    /**
     * How the scenario's Ferry instances started, and the JIT: seconds from starting each process to its readiness
     * answering UP, Spring's own {@code application.ready.time} (from the start of the application, without the
     * JVM's own start), the JIT compilers' time before the records (read once the instances were ready and the
     * scenario registered) and in the measured window (from {@code jvm.compilation.time}, summed over the
     * instances; -1 where unknown), and the AOT cache used (null: none).
     */
    record Start(List<Double> startupSeconds, double springReadySeconds, double compileSecondsAtReady,
            double compileSecondsInWindow, String aotCache) {
    }

    /**
     * The pre-filled table: completed invocations inserted before Ferry started (how long the insert and the
     * vacuum after it took, and the table's size with its indexes), and the retention sweep on those rows.
     */
    record Prefill(long rows, double fillSeconds, double vacuumSeconds, double sizeGib, Retention retention) {
    }

    /**
     * Ferry's retention sweep on the pre-filled rows once they expired: rows deleted, seconds from Ferry's
     * readiness to the last deletion seen (or to the time limit; the sweep's first pass comes 10 s after the
     * start), the rate between the first and the last deletions seen, and the CPU of Ferry and PostgreSQL from
     * readiness on.
     */
    record Retention(String retention, long expired, long deleted, double seconds, double rowsPerSecond,
            double ferryCpuSeconds, double postgresCpuSeconds, boolean complete) {
    }

    /** Ferry instances on one database and one consumer group, and the partitions each was assigned. */
    record Instances(int count, List<Integer> partitions) {
    }

    /** CPU by process. */
    record Cpu(double app, double postgres, double broker, double handler, double orchestrator) {

        Cpu minus(Cpu before) {
            return new Cpu(app - before.app, postgres - before.postgres, broker - before.broker,
                    handler - before.handler, orchestrator - before.orchestrator);
        }

        Cpu perRecordMillis(long records) {
            double per = records == 0 ? 0 : 1000.0 / records;
            return new Cpu(app * per, postgres * per, broker * per, handler * per, orchestrator * per);
        }
    }

    /**
     * The application's memory in MiB: peak RSS of the process ({@code VmHWM}, since it started), and heap
     * used and live data after the last GC, sampled every second (-1 where unknown).
     */
    record Memory(double peakRssMib, double sampledPeakRssMib, double heapStartMib, double heapPeakMib,
            double heapEndMib, double liveStartMib, double livePeakMib, double liveEndMib, int samples) {
    }

    /**
     * Milliseconds from the record's timestamp to the handler's receipt: over every record, and over those the
     * handler received from {@link CountingHandler#WARM_AFTER_MILLIS} after the first one on ({@code warm}).
     */
    record Latency(long count, long p50, long p99, long max, Latency warm) {
    }

    /** Per key: records that arrived after a later one, calls that overlapped, records seen twice in a row. */
    record Ordering(long violations, long overlaps, long repeated) {
    }

    /** The backlog scenario: records waiting, the handler's delay, and how many Ferry stored and completed. */
    record Lag(long backlog, int handlerDelayMillis, int seconds, long stored, long completed) {
    }

    /** The handler's own counts: calls, distinct records, and the most calls it had open at once. */
    record HandlerCounts(long requests, long distinct, long peakInFlight) {
    }

    /** The machine's 1-minute load average before and after the window. */
    record LoadAverage(double before, double after) {
    }
}
