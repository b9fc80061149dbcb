package dev.ferry.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Writes a run's results: a Markdown table for people, JSON for tools. */
final class Report {

    private static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private Report() {
    }

    static String header() {
        return """
                | # | server | scenario | records | wall s | records/s | CPU ms/record: server¹ | PostgreSQL | broker \
                | handler | server¹ peak RSS MiB | Ferry peak heap MiB | latency p50 / p99 / max ms | order violations |
                |---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|""";
    }

    static String row(ScenarioResult r) {
        String records = r.complete() || r.lag() != null ? "%,d".formatted(r.completed())
                : "%,d of %,d (time limit)".formatted(r.completed(), r.records());
        String latency = r.latency() == null ? "" : "%d / %d / %d".formatted(r.latency().p50(), r.latency().p99(),
                r.latency().max()) + (r.latency().warm() == null ? "" : "; from %d s on: %d / %d / %d".formatted(
                        CountingHandler.WARM_AFTER_MILLIS / 1000, r.latency().warm().p50(), r.latency().warm().p99(),
                        r.latency().warm().max()));
        String order = r.ordering() == null ? "" : Long.toString(r.ordering().violations());
        return "| %d | %s | %s | %s | %.1f | %,.0f | %.3f | %.3f | %.3f | %.3f | %s | %s | %s | %s |".formatted(
                r.scenario(), server(r.app()), r.name(), records, r.wallSeconds(), r.recordsPerSecond(),
                r.cpuMillisPerRecord().app(),
                r.cpuMillisPerRecord().postgres(), r.cpuMillisPerRecord().broker(), r.cpuMillisPerRecord().handler(),
                mib(r.memory().peakRssMib()), mib(r.memory().heapPeakMib()), latency, order);
    }

    /** Which server ran a row: Ferry, the plain consumer of the ceiling scenario, or restate-server and its version. */
    static String server(String app) {
        return switch (app) {
            case "ferry" -> "Ferry";
            case "plain-consumer" -> "none (plain consumer)";
            default -> app;
        };
    }

    static String markdown(Machine machine, double handlerRate, List<ScenarioResult> results) {
        StringBuilder text = new StringBuilder();
        text.append(header()).append('\n');
        results.forEach(result -> text.append(row(result)).append('\n'));
        text.append('\n').append("""
                ¹ Ferry's process; in the ceiling scenario (6) the plain consumer's; in scenarios 18 and 19 the whole \
                restate-server process, which has no PostgreSQL (its storage is inside it: the PostgreSQL column \
                there is the benchmark's idle cluster). CPU is per completed record over the whole window, summed \
                over every process of PostgreSQL; peak RSS is the process's high-water mark (VmHWM), heap the \
                highest of the once-a-second samples. In the SDK scenarios (7, 8, 10, 18, 19) the handler is the \
                Node process that serves the Restate SDK handlers.
                """);
        for (ScenarioResult r : results) {
            if (r.lag() != null) {
                ScenarioResult.Memory m = r.memory();
                text.append("\nLag (scenario %d): of %,d waiting records Ferry stored %,d in PostgreSQL and completed %,d "
                        .formatted(r.scenario(), r.lag().backlog(), r.lag().stored(), r.lag().completed()))
                        .append("in %d s; ".formatted(r.lag().seconds()))
                        .append("heap used start / peak / end %s / %s / %s MiB, live data after GC %s / %s / %s MiB, "
                                .formatted(mib(m.heapStartMib()), mib(m.heapPeakMib()), mib(m.heapEndMib()),
                                        mib(m.liveStartMib()), mib(m.livePeakMib()), mib(m.liveEndMib())))
                        .append("peak RSS %s MiB.".formatted(mib(m.peakRssMib())))
                        .append(trend(r.samples())).append('\n');
            }
            if (r.ordering() != null && (r.ordering().overlaps() > 0 || r.ordering().repeated() > 0)) {
                text.append("\nScenario %d: %,d overlapping calls of one key, %,d records seen twice in a row.\n"
                        .formatted(r.scenario(), r.ordering().overlaps(), r.ordering().repeated()));
            }
        }
        text.append(ReportNotes.starts(results));
        text.append(ReportNotes.prefilled(results));
        text.append(ReportNotes.instances(results));
        text.append("\nLoad average (1 min) before / after: ");
        for (int i = 0; i < results.size(); i++) {
            ScenarioResult r = results.get(i);
            text.append(i == 0 ? "" : ", ").append("%d: %.1f / %.1f".formatted(r.scenario(), r.loadAverage().before(),
                    r.loadAverage().after()));
        }
        if (handlerRate > 0) {
            text.append(".\n\nThe handler on its own took %,.0f calls/s (load generator on the same machine)"
                    .formatted(handlerRate));
        }
        text.append(".\n\nMachine: %d processors, %.1f GiB, %s, Linux %s; %s; %s.\n".formatted(machine.processors(),
                machine.memoryGib(), machine.cpuModel(), machine.kernel(), machine.java(), machine.postgres()));
        return text.toString();
    }

    static void write(Path directory, Machine machine, BenchSettings settings, double handlerRate,
            List<ScenarioResult> results) {
        Map<String, Object> configuration = new LinkedHashMap<>();
        configuration.put("records", settings.records());
        configuration.put("keys_many", settings.manyKeys());
        configuration.put("keys_few", settings.fewKeys());
        configuration.put("latency_rate", settings.latencyRate());
        configuration.put("latency_seconds", settings.latencySeconds());
        configuration.put("lag_records", settings.lagRecords());
        configuration.put("lag_seconds", settings.lagSeconds());
        configuration.put("lag_delay_ms", settings.lagDelayMillis());
        configuration.put("partitions", settings.partitions());
        configuration.put("value_bytes", settings.valueBytes());
        configuration.put("timeout_seconds", settings.timeoutSeconds());
        configuration.put("plain_max_in_flight", settings.plainMaxInFlight());
        configuration.put("fresh_records", settings.freshRecords());
        configuration.put("prefill_rows", settings.prefillRows());
        configuration.put("retention_seconds", settings.retentionSeconds());
        configuration.put("ferry_jvm_options", settings.ferryJvmOptions());
        configuration.put("ferry_arguments", settings.ferryArguments());
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("finished_at", Instant.now().toString());
        document.put("machine", machine);
        document.put("settings", configuration);
        document.put("handler_alone_calls_per_second", handlerRate);
        document.put("ferry_startup_seconds", ReportNotes.startups(results));
        document.put("scenarios", results);
        try {
            Files.createDirectories(directory);
            Files.writeString(directory.resolve("results.json"), JSON.writeValueAsString(document));
            Files.writeString(directory.resolve("results.md"), markdown(machine, handlerRate, results));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write results to " + directory, e);
        }
    }

    /**
     * For each quarter of the window: the lowest heap in use (close to what survives collections), the live data
     * after the last old-generation collection, and the records ingested by its end. Does memory follow the backlog?
     */
    private static String trend(List<Sampler.Sample> samples) {
        if (samples == null || samples.size() < 4) {
            return "";
        }
        StringBuilder text = new StringBuilder(" By quarter of the window:");
        for (int quarter = 0; quarter < 4; quarter++) {
            List<Sampler.Sample> part = samples.subList(quarter * samples.size() / 4, (quarter + 1) * samples.size() / 4);
            double floor = part.stream().mapToDouble(Sampler.Sample::heapMib).min().orElse(-1);
            Sampler.Sample last = part.getLast();
            text.append(quarter == 0 ? " " : "; ").append("to %.0f s lowest heap %s MiB, live %s MiB, %,d ingested"
                    .formatted(last.seconds(), mib(floor), mib(last.liveMib()), last.ingested()));
        }
        return text.append('.').toString();
    }

    private static String mib(double value) {
        return value < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f", value);
    }
}
