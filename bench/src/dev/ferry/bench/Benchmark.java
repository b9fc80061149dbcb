package dev.ferry.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs Ferry's benchmark; started by {@code bench/run}, which builds Ferry, starts PostgreSQL and passes
 * everything in environment variables (see {@link BenchSettings}). Starts the Kafka broker and the handler as
 * processes of their own, runs the chosen scenarios one after the other, prints a row per scenario and writes
 * {@code results.json} and {@code results.md}. Every process it started is stopped when it ends, however it ends.
 */
public final class Benchmark {

    private static final Duration BROKER_START = Duration.ofSeconds(120);
    private static final Duration HANDLER_START = Duration.ofSeconds(30);

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        BenchSettings settings = BenchSettings.fromEnvironment(System.getenv());
        BenchSettings.Environment environment = settings.environment();
        Path out = environment.outputDir();
        Files.createDirectories(out);
        Children children = new Children(out.resolve("logs"), out.resolve("pids"));
        AtomicBoolean stopping = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            children.close();
        }, "stop-children"));
        try {
            run(settings, children);
        } catch (RuntimeException e) {
            if (!stopping.get()) {
                throw e;
            }
            // the processes were stopped under a running scenario: what failed then is no news
            System.err.println("Benchmark stopped before it finished");
        } finally {
            children.close();
        }
    }

    private static void run(BenchSettings settings, Children children) {
        BenchSettings.Environment environment = settings.environment();
        Database database = new Database(environment.postgresPort());
        Machine machine = Machine.describe(javaVersion(environment.java()), database.version());
        System.out.printf("Machine: %d processors, %.1f GiB, %s; %s; %s; load average %.1f%n", machine.processors(),
                machine.memoryGib(), machine.cpuModel(), machine.java(), machine.postgres(), machine.loadAverage());

        int brokerPort = Ports.free();
        Path brokerLogDir = environment.outputDir().resolve("kafka");
        Children.Child broker = children.start("broker", helperCommand(settings, BrokerMain.class, "-Xmx1g",
                Integer.toString(brokerPort), brokerLogDir.toAbsolutePath().toString()));
        String bootstrap = "127.0.0.1:" + brokerPort;
        Kafka.awaitBroker(bootstrap, BROKER_START, broker);

        int handlerPort = Ports.free();
        Children.Child handlerProcess = children.start("handler", helperCommand(settings, CountingHandler.class,
                "-Xmx512m", Integer.toString(handlerPort)));
        JsonHttp handler = new JsonHttp("http://127.0.0.1:" + handlerPort);
        awaitHandler(handler, handlerProcess);
        double handlerRate = checkHandler(handlerPort, settings.handlerCheckSeconds());

        List<ScenarioResult> results = new ArrayList<>();
        try (Kafka kafka = new Kafka(bootstrap)) {
            Scenarios scenarios = new Scenarios(settings, children, database, kafka, broker, handlerProcess, handler);
            System.out.println();
            System.out.println(Report.header());
            for (int scenario : settings.scenarios()) {
                ScenarioResult result = scenarios.run(scenario);
                results.add(result);
                System.out.println(Report.row(result));
                Report.write(environment.outputDir(), machine, settings, handlerRate, results);
            }
        }
        System.out.println();
        System.out.println(Report.markdown(machine, handlerRate, results));
        System.out.println("Results: " + environment.outputDir().resolve("results.json") + ", logs: "
                + environment.outputDir().resolve("logs"));
    }

    private static void awaitHandler(JsonHttp handler, Children.Child process) {
        long deadline = System.nanoTime() + HANDLER_START.toNanos();
        while (!handler.answers("/stats")) {
            Children.requireAlive(process);
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The handler did not answer within " + HANDLER_START);
            }
            Kafka.sleep(200);
        }
    }

    /**
     * Loads the handler on its own, first to warm its JIT up so that the first scenario does not pay for it, then
     * to measure: the rate shows the handler takes far more calls than any scenario sends it.
     */
    private static double checkHandler(int port, int seconds) {
        if (seconds <= 0) {
            return -1;
        }
        try {
            HandlerLoad.run(port, 32, Math.max(1, seconds / 2));
            HandlerLoad.Result result = HandlerLoad.run(port, 32, seconds);
            System.out.printf("Handler on its own: %,.0f calls/s over 32 connections for %d s (load generator on the "
                    + "same machine)%n", result.callsPerSecond(), seconds);
            return result.callsPerSecond();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The command that runs one of the benchmark's programs in a JVM of its own, on the helpers' classpath. */
    static List<String> helperCommand(BenchSettings settings, Class<?> main, String heap, String... arguments) {
        BenchSettings.Environment environment = settings.environment();
        List<String> command = new ArrayList<>(List.of(environment.java(), heap,
                "-Dlogback.configurationFile=" + environment.logbackConfig().toAbsolutePath(),
                "-cp", environment.classpath(), main.getName()));
        command.addAll(List.of(arguments));
        return command;
    }

    private static String javaVersion(String java) {
        try {
            Process process = new ProcessBuilder(java, "-XshowSettings:properties", "-version").redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes());
            process.waitFor();
            String vendor = "";
            String version = "";
            for (String line : output.lines().toList()) {
                String stripped = line.strip();
                if (stripped.startsWith("java.vm.vendor = ")) {
                    vendor = stripped.substring(17);
                } else if (stripped.startsWith("java.runtime.version = ")) {
                    version = stripped.substring(23);
                }
            }
            return ("Java " + version + " " + vendor).strip();
        } catch (Exception e) {
            return "Java (version unknown)";
        }
    }
}
