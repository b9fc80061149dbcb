package dev.ferry.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What a run measures and where things are, from environment variables (the launching script sets the
 * {@code BENCH_PG_*}, {@code BENCH_JAVA}, {@code BENCH_JAR}, {@code BENCH_CLASSPATH} ones).
 *
 * @param scenarios       the scenarios to run, by number ({@code BENCH_SCENARIOS}, e.g. {@code 1,2,6})
 * @param records         records of scenarios 1, 2, 3, 6 and 9 ({@code BENCH_RECORDS})
 * @param manyKeys        keys of scenarios 2 and 9 ({@code BENCH_KEYS_MANY})
 * @param fewKeys         keys of scenario 3 ({@code BENCH_KEYS_FEW})
 * @param latencyRate     records per second of scenario 4 ({@code BENCH_LATENCY_RATE})
 * @param latencySeconds  how long scenario 4 produces ({@code BENCH_LATENCY_SECONDS})
 * @param lagRecords      backlog of scenario 5 ({@code BENCH_LAG_RECORDS})
 * @param lagSeconds      how long scenario 5 watches Ferry work through it ({@code BENCH_LAG_SECONDS})
 * @param lagDelayMillis  the handler's delay per call in scenario 5 ({@code BENCH_LAG_DELAY_MS})
 * @param partitions      partitions of every topic ({@code BENCH_PARTITIONS})
 * @param valueBytes      size of every record value ({@code BENCH_VALUE_BYTES})
 * @param timeoutSeconds  how long a scenario may take to complete its records ({@code BENCH_TIMEOUT_SECONDS})
 * @param plainMaxInFlight calls in flight of the plain consumer ({@code BENCH_PLAIN_MAX_IN_FLIGHT}), as Ferry's default
 * @param handlerCheckSeconds how long the handler's rate is measured on its own before the scenarios, after a
 *                        warm-up half as long ({@code BENCH_HANDLER_CHECK_SECONDS}; 0 skips both)
 * @param ferryJvmOptions JVM options of Ferry ({@code BENCH_FERRY_JVM_OPTS}); {@code {name}} in one stands for the
 *                        process's name ({@code ferry-s7}), so each scenario can have an AOT cache of its own
 * @param ferryArguments  extra Spring arguments of Ferry ({@code BENCH_FERRY_ARGS},
 *                        e.g. {@code --ferry.dispatch.max-in-flight=512})
 * @param sdkRecords      records of the Restate SDK scenarios 7, 8, 10, 18 and 19 ({@code BENCH_SDK_RECORDS}; else
 *                        {@code BENCH_RECORDS} when that is set; else 20,000)
 * @param sdk             the Node binary and the script that serve the SDK handlers (set by the launching script)
 * @param freshRecords    records of the fresh-instance scenarios 11 and 12 ({@code BENCH_FRESH_RECORDS}; else
 *                        {@code BENCH_RECORDS} when that is set; else 20,000)
 * @param prefillRows     completed invocations in the table before scenario 13's load ({@code BENCH_PREFILL_ROWS})
 * @param retentionSeconds how long scenario 13 watches the retention sweep at most ({@code BENCH_RETENTION_SECONDS})
 * @param restate         the restate-server of scenarios 18 and 19
 */
record BenchSettings(List<Integer> scenarios, int records, int manyKeys, int fewKeys, int latencyRate,
        int latencySeconds, int lagRecords, int lagSeconds, int lagDelayMillis, int partitions, int valueBytes,
        int timeoutSeconds, int plainMaxInFlight, int handlerCheckSeconds, List<String> ferryJvmOptions,
        List<String> ferryArguments, int sdkRecords, Sdk sdk, int freshRecords, int prefillRows,
        int retentionSeconds, Restate restate, Environment environment) {

    /**
     * What serves the Restate SDK handlers of scenarios 7 and 8.
     *
     * @param node   Node's binary ({@code BENCH_NODE})
     * @param script the handlers' script ({@code BENCH_SDK_SCRIPT})
     */
    record Sdk(String node, String script) {
    }

    /**
     * The restate-server that delivers the records in scenarios 18 and 19.
     *
     * @param binary     its native binary ({@code BENCH_RESTATE_SERVER}, set by the launching script)
     * @param partitions its partitions ({@code BENCH_RESTATE_PARTITIONS}; 0, the default: the server's own default)
     */
    record Restate(String binary, int partitions) {
    }

    /**
     * Where things are, as the launching script found them.
     *
     * @param java          the JDK's {@code java} that runs Ferry and the helper processes
     * @param ferryJar      Ferry's executable jar
     * @param classpath     the classpath of the helper processes (test classes and test-scoped dependencies)
     * @param outputDir     where logs and results go
     * @param logbackConfig the logging configuration of the helper processes
     * @param postgresPort  the port of the benchmark's PostgreSQL on 127.0.0.1
     * @param postgresPid   the pid of its postmaster
     * @param ticksPerSecond the kernel's clock ticks per second ({@code getconf CLK_TCK})
     */
    record Environment(String java, Path ferryJar, String classpath, Path outputDir, Path logbackConfig,
            int postgresPort, long postgresPid, long ticksPerSecond) {
    }

    static BenchSettings fromEnvironment(Map<String, String> env) {
        int records = integer(env, "BENCH_RECORDS", 200_000);
        Environment environment = new Environment(required(env, "BENCH_JAVA"), Path.of(required(env, "BENCH_JAR")),
                required(env, "BENCH_CLASSPATH"), Path.of(env.getOrDefault("BENCH_OUT", "target/bench")),
                Path.of(env.getOrDefault("BENCH_LOGBACK", "bench/logback.xml")), integer(env, "BENCH_PG_PORT", 0),
                Long.parseLong(required(env, "BENCH_PG_PID")), integer(env, "BENCH_CLK_TCK", 100));
        return new BenchSettings(
                Arrays.stream(text(env, "BENCH_SCENARIOS", "1,2,3,4,5,6,7,8,9,11,12").split(","))
                        .map(String::strip).filter(s -> !s.isEmpty()).map(Integer::valueOf).toList(),
                records,
                integer(env, "BENCH_KEYS_MANY", 1000),
                integer(env, "BENCH_KEYS_FEW", 10),
                integer(env, "BENCH_LATENCY_RATE", 1000),
                integer(env, "BENCH_LATENCY_SECONDS", 60),
                integer(env, "BENCH_LAG_RECORDS", 1_000_000),
                integer(env, "BENCH_LAG_SECONDS", 60),
                integer(env, "BENCH_LAG_DELAY_MS", 200),
                integer(env, "BENCH_PARTITIONS", 4),
                integer(env, "BENCH_VALUE_BYTES", 128),
                integer(env, "BENCH_TIMEOUT_SECONDS", 900),
                integer(env, "BENCH_PLAIN_MAX_IN_FLIGHT", 256),
                integer(env, "BENCH_HANDLER_CHECK_SECONDS", 5),
                words(env.getOrDefault("BENCH_FERRY_JVM_OPTS",
                        "-Xmx1g -XX:+ExitOnOutOfMemoryError -XX:TieredStopAtLevel=1 -XX:+UseSerialGC")),
                words(env.getOrDefault("BENCH_FERRY_ARGS", "")),
                integer(env, "BENCH_SDK_RECORDS", integer(env, "BENCH_RECORDS", 20_000)),
                new Sdk(env.getOrDefault("BENCH_NODE", "src/test/node/node_modules/.bin/node"),
                        env.getOrDefault("BENCH_SDK_SCRIPT", "src/test/node/services/bench-sdk.mjs")),
                integer(env, "BENCH_FRESH_RECORDS", integer(env, "BENCH_RECORDS", 20_000)),
                integer(env, "BENCH_PREFILL_ROWS", 20_000_000),
                integer(env, "BENCH_RETENTION_SECONDS", 300),
                new Restate(env.getOrDefault("BENCH_RESTATE_SERVER",
                        "src/test/node/node_modules/@restatedev/restate-server-linux-x64/bin/restate-server"),
                        integer(env, "BENCH_RESTATE_PARTITIONS", 0)),
                environment);
    }

    private static int integer(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.strip().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not '" + value + "'");
        }
    }

    private static String text(Map<String, String> env, String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is not set; start the benchmark with bench/run");
        }
        return value;
    }

    private static List<String> words(String value) {
        return Arrays.stream(value.strip().split("\\s+")).filter(word -> !word.isEmpty()).toList();
    }
}
