package dev.ferry.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, single-node Apache Kafka server running in KRaft mode (combined broker + controller) inside the
 * current JVM. Intended for integration tests and for local development.
 *
 * <p>All listeners bind to {@code 127.0.0.1} only. Three listeners are configured:
 * <ul>
 *   <li>{@value #CLIENT_LISTENER} &ndash; the listener clients use ({@link #bootstrapServers()}); its security
 *       protocol is {@code PLAINTEXT} unless changed with {@link Builder#listenerSecurityProtocol(String)}.</li>
 *   <li>{@value #INTERNAL_LISTENER} &ndash; a {@code PLAINTEXT} inter-broker listener on a free port. The broker
 *       talks to itself over it (transaction markers, partition verification), so securing the client listener
 *       never requires inter-broker SASL/SSL credentials. If an authorizer is enabled later, add
 *       {@code super.users=User:ANONYMOUS} (the principal of this listener).</li>
 *   <li>{@value #CONTROLLER_LISTENER} &ndash; the KRaft controller listener ({@code PLAINTEXT}, free port,
 *       static quorum {@code controller.quorum.voters}). Because the quorum is static, the controller port
 *       may change between restarts on the same log directory.</li>
 * </ul>
 *
 * <p>The log directory is formatted in-process with Kafka's own {@link Formatter} (what
 * {@code kafka-storage.sh format} does) the first time it is used; an already formatted directory is reused
 * as is, so a broker can be restarted on the same directory (and port) and keeps its topics and committed
 * offsets.
 *
 * <p>Example:
 * <pre>{@code
 * try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().start()) {
 *     producerProps.put("bootstrap.servers", kafka.bootstrapServers());
 * }
 * }</pre>
 *
 * <p>Securing the client listener later, e.g. SASL/PLAIN:
 * <pre>{@code
 * EmbeddedKafkaBroker.builder()
 *     .listenerSecurityProtocol("SASL_PLAINTEXT")
 *     .listenerProperty("sasl.enabled.mechanisms", "PLAIN")
 *     .listenerProperty("plain.sasl.jaas.config",
 *         "org.apache.kafka.common.security.plain.PlainLoginModule required user_ferry=\"secret\";")
 *     .start();
 * }</pre>
 * {@link Builder#listenerProperty(String, String)} prefixes keys with {@code listener.name.client.}; any other
 * server property can be set or overridden with {@link Builder#brokerProperty(String, String)}, which is applied
 * last.
 *
 * <p>Note: while an embedded broker is running, Kafka's {@link Exit} procedures are replaced so that a fatal
 * error inside the broker throws instead of calling {@code System.exit}/{@code Runtime.halt} on the test JVM.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    /** Name of the listener used by clients. */
    public static final String CLIENT_LISTENER = "CLIENT";
    /** Name of the plaintext inter-broker listener. */
    public static final String INTERNAL_LISTENER = "INTERNAL";
    /** Name of the KRaft controller listener. */
    public static final String CONTROLLER_LISTENER = "CONTROLLER";

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String LOOPBACK = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final int MAX_START_ATTEMPTS = 3;
    private static final AtomicBoolean EXIT_GUARD_INSTALLED = new AtomicBoolean();

    private final KafkaRaftServer server;
    private final ListenerPorts ports;
    private final Path logDir;
    private final boolean deleteLogDirOnClose;
    private final String clusterId;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafkaBroker(KafkaRaftServer server, ListenerPorts ports, Path logDir, boolean deleteLogDirOnClose,
                                String clusterId) {
        this.server = server;
        this.ports = ports;
        this.logDir = logDir;
        this.deleteLogDirOnClose = deleteLogDirOnClose;
        this.clusterId = clusterId;
    }

    /**
     * Creates a builder with defaults suitable for tests: free port, temporary log directory, plaintext.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@code 127.0.0.1:<port>} of the {@value #CLIENT_LISTENER} listener, for clients' bootstrap.servers. */
    public String bootstrapServers() {
        return LOOPBACK + ":" + ports.client();
    }

    /** The port of the {@value #CLIENT_LISTENER} listener. */
    public int port() {
        return ports.client();
    }

    /** The client, inter-broker and controller ports this broker listens on. */
    public ListenerPorts ports() {
        return ports;
    }

    /** The KRaft cluster id stored in the log directory. */
    public String clusterId() {
        return clusterId;
    }

    /**
     * Shuts the server down and waits for it to stop; deletes the log directory if it was a temporary one
     * created by the builder. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long started = System.nanoTime();
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            if (deleteLogDirOnClose) {
                deleteRecursively(logDir);
            }
        }
        log.info("Embedded Kafka on {} stopped in {} ms", bootstrapServers(),
                Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    @Override
    public String toString() {
        return "EmbeddedKafkaBroker[" + bootstrapServers() + ", logDir=" + logDir + "]";
    }

    /**
     * The TCP ports a running broker is bound to (all on {@code 127.0.0.1}).
     *
     * @param client     port of the {@value #CLIENT_LISTENER} listener
     * @param internal   port of the {@value #INTERNAL_LISTENER} (inter-broker) listener
     * @param controller port of the {@value #CONTROLLER_LISTENER} listener
     */
    public record ListenerPorts(int client, int internal, int controller) {
    }

    /**
     * Builder for {@link EmbeddedKafkaBroker}. Not thread-safe.
     */
    public static final class Builder {

        private int port;
        private Path logDir;
        private SecurityProtocol clientSecurityProtocol = SecurityProtocol.PLAINTEXT;
        private final Map<String, String> listenerProperties = new LinkedHashMap<>();
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Sets the client listener port.
         *
         * @param port the port, or {@code 0} (default) to pick a free one
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("Invalid port: " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Uses a persistent log directory (created if missing, formatted on first use, never deleted by the
         * broker). Without this, a temporary directory is used and deleted on
         * {@link EmbeddedKafkaBroker#close()}.
         *
         * @param logDir the directory
         * @return this builder
         */
        public Builder logDir(Path logDir) {
            this.logDir = Objects.requireNonNull(logDir, "logDir");
            return this;
        }

        /**
         * Sets the security protocol of the {@value #CLIENT_LISTENER} listener, e.g. {@code SASL_PLAINTEXT},
         * {@code SSL} or {@code SASL_SSL}. Combine with {@link #listenerProperty(String, String)}.
         *
         * @param securityProtocol a {@link SecurityProtocol} name
         * @return this builder
         */
        public Builder listenerSecurityProtocol(String securityProtocol) {
            this.clientSecurityProtocol = SecurityProtocol.forName(securityProtocol.toUpperCase(Locale.ROOT));
            return this;
        }

        /**
         * Adds a listener-specific property for the client listener; the key is prefixed with
         * {@code listener.name.client.}, e.g. {@code sasl.enabled.mechanisms}, {@code plain.sasl.jaas.config},
         * {@code ssl.keystore.location}.
         *
         * @param key   property key without the listener prefix
         * @param value property value
         * @return this builder
         */
        public Builder listenerProperty(String key, String value) {
            listenerProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Adds or overrides a server property (applied after all defaults). Overriding {@code listeners},
         * {@code advertised.listeners} or {@code controller.quorum.voters} is possible but then
         * {@link EmbeddedKafkaBroker#bootstrapServers()} may no longer be accurate.
         *
         * @param key   Kafka server property key
         * @param value property value
         * @return this builder
         */
        public Builder brokerProperty(String key, String value) {
            brokerProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Formats the log directory if necessary and starts the server; returns once the broker is unfenced
         * and serving requests.
         *
         * @return the running broker
         */
        public EmbeddedKafkaBroker start() {
            installExitGuard();
            boolean temporary = logDir == null;
            Path dir;
            try {
                dir = temporary ? Files.createTempDirectory("ferry-kafka-") : Files.createDirectories(logDir);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create Kafka log directory", e);
            }
            try {
                for (int attempt = 1; ; attempt++) {
                    // free ports are probed, then bound by Kafka: another process may grab one in between
                    ListenerPorts ports = pickPorts();
                    try {
                        return startOnce(dir, temporary, ports);
                    } catch (RuntimeException e) {
                        if (port != 0 && causeMentions(e, LOOPBACK + ":" + port + ":")) {
                            throw new IllegalStateException("Kafka client port " + LOOPBACK + ":" + port
                                    + " is already in use", e);
                        }
                        if (attempt >= MAX_START_ATTEMPTS || !isBindFailure(e)) {
                            throw e;
                        }
                        log.warn("Embedded Kafka could not bind {} (attempt {}), retrying with other ports: {}",
                                ports, attempt, e.toString());
                    }
                }
            } catch (RuntimeException | Error e) {
                if (temporary) {
                    deleteRecursively(dir);
                }
                throw e;
            }
        }

        private ListenerPorts pickPorts() {
            int client = port == 0 ? Ports.freePort() : port;
            int internal;
            do {
                internal = Ports.freePort();
            } while (internal == client);
            int controller;
            do {
                controller = Ports.freePort();
            } while (controller == client || controller == internal);
            return new ListenerPorts(client, internal, controller);
        }

        private EmbeddedKafkaBroker startOnce(Path dir, boolean temporary, ListenerPorts ports) {
            long started = System.nanoTime();
            KafkaConfig config = new KafkaConfig(serverProperties(dir, ports), false);
            String clusterId = formatIfNecessary(config, dir);
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            try {
                server.startup();
            } catch (RuntimeException | Error e) {
                try {
                    server.shutdown();
                    server.awaitShutdown();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            log.info("Embedded Kafka started on {} (cluster {}, logDir {}) in {} ms",
                    LOOPBACK + ":" + ports.client(), clusterId, dir,
                    Duration.ofNanos(System.nanoTime() - started).toMillis());
            return new EmbeddedKafkaBroker(server, ports, dir, temporary, clusterId);
        }

        private static boolean isBindFailure(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof BindException) {
                    return true;
                }
            }
            return causeMentions(e, "Address already in use");
        }

        private static boolean causeMentions(Throwable e, String text) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t.getMessage() != null && t.getMessage().contains(text)) {
                    return true;
                }
            }
            return false;
        }

        private Map<String, String> serverProperties(Path dir, ListenerPorts ports) {
            Map<String, String> p = new LinkedHashMap<>();
            // KRaft combined mode, static single-voter quorum
            p.put("process.roles", "broker,controller");
            p.put("node.id", Integer.toString(NODE_ID));
            p.put("controller.quorum.voters", NODE_ID + "@" + LOOPBACK + ":" + ports.controller());
            p.put("controller.listener.names", CONTROLLER_LISTENER);
            p.put("listeners", String.join(",",
                    CLIENT_LISTENER + "://" + LOOPBACK + ":" + ports.client(),
                    INTERNAL_LISTENER + "://" + LOOPBACK + ":" + ports.internal(),
                    CONTROLLER_LISTENER + "://" + LOOPBACK + ":" + ports.controller()));
            p.put("advertised.listeners", String.join(",",
                    CLIENT_LISTENER + "://" + LOOPBACK + ":" + ports.client(),
                    INTERNAL_LISTENER + "://" + LOOPBACK + ":" + ports.internal()));
            p.put("listener.security.protocol.map", String.join(",",
                    CLIENT_LISTENER + ":" + clientSecurityProtocol.name,
                    INTERNAL_LISTENER + ":PLAINTEXT",
                    CONTROLLER_LISTENER + ":PLAINTEXT"));
            p.put("inter.broker.listener.name", INTERNAL_LISTENER);
            p.put("log.dirs", dir.toAbsolutePath().toString());
            // Single node: every internal topic with replication factor 1 and few partitions
            p.put("offsets.topic.replication.factor", "1");
            p.put("offsets.topic.num.partitions", "1");
            p.put("transaction.state.log.replication.factor", "1");
            p.put("transaction.state.log.min.isr", "1");
            p.put("transaction.state.log.num.partitions", "1");
            p.put("share.coordinator.state.topic.replication.factor", "1");
            p.put("share.coordinator.state.topic.min.isr", "1");
            p.put("share.coordinator.state.topic.num.partitions", "1");
            p.put("default.replication.factor", "1");
            p.put("min.insync.replicas", "1");
            p.put("num.partitions", "1");
            p.put("auto.create.topics.enable", "true");
            p.put("group.initial.rebalance.delay.ms", "0");
            // Fast failure instead of waiting forever if something is wrong
            p.put("server.max.startup.time.ms", "60000");
            // Keep the footprint small: 2 MiB instead of 128 MiB log-cleaner buffer, fewer threads
            p.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
            p.put("log.cleaner.threads", "1");
            p.put("num.network.threads", "2");
            p.put("num.io.threads", "4");
            p.put("background.threads", "4");
            p.put("num.recovery.threads.per.data.dir", "1");
            listenerProperties.forEach((key, value) ->
                    p.put("listener.name." + CLIENT_LISTENER.toLowerCase(Locale.ROOT) + "." + key, value));
            p.putAll(brokerProperties);
            return p;
        }
    }

    /**
     * Formats the log directories with Kafka's {@link Formatter} unless they already carry a
     * {@code meta.properties}; returns the cluster id.
     */
    private static String formatIfNecessary(KafkaConfig config, Path dir) {
        Path metaProperties = dir.resolve("meta.properties");
        if (Files.exists(metaProperties)) {
            String clusterId = readClusterId(metaProperties);
            log.debug("Kafka log directory {} already formatted (cluster {})", dir, clusterId);
            return clusterId;
        }
        String clusterId = Uuid.randomUuid().toString();
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(new Slf4jDebugStream(), true, StandardCharsets.UTF_8))
                .setNodeId(config.nodeId())
                .setClusterId(clusterId)
                .setControllerListenerName(config.controllerListenerNames().getFirst())
                .setMetadataLogDirectory(config.metadataLogDir())
                .setUnstableFeatureVersionsEnabled(config.unstableFeatureVersionsEnabled());
        config.logDirs().forEach(formatter::addDirectory);
        try {
            formatter.run();
        } catch (Exception e) {
            throw new IllegalStateException("Formatting Kafka log directory " + dir + " failed", e);
        }
        return clusterId;
    }

    private static String readClusterId(Path metaProperties) {
        var properties = new Properties();
        try (var in = Files.newInputStream(metaProperties)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("cluster.id");
    }

    /**
     * Replaces Kafka's exit/halt procedures (once per JVM) so that a fatal broker error cannot kill the test JVM.
     */
    private static void installExitGuard() {
        if (EXIT_GUARD_INSTALLED.compareAndSet(false, true)) {
            Exit.setExitProcedure((status, message) -> {
                log.error("Kafka requested System.exit({}): {}", status, message);
                throw new IllegalStateException("Kafka requested exit(" + status + "): " + message);
            });
            Exit.setHaltProcedure((status, message) -> {
                log.error("Kafka requested Runtime.halt({}): {}", status, message);
                throw new IllegalStateException("Kafka requested halt(" + status + "): " + message);
            });
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    log.warn("Could not delete {}: {}", path, e.toString());
                }
            });
        } catch (IOException e) {
            log.warn("Could not delete {}: {}", dir, e.toString());
        }
    }

    /** Routes the Formatter's console output to SLF4J at debug level, one line at a time. */
    private static final class Slf4jDebugStream extends OutputStream {
        private final StringBuilder line = new StringBuilder();

        @Override
        public void write(int b) {
            if (b == '\n') {
                flushLine();
            } else if (b != '\r') {
                line.append((char) b);
            }
        }

        @Override
        public void flush() {
            flushLine();
        }

        private void flushLine() {
            if (!line.isEmpty()) {
                log.debug("kafka-storage format: {}", line);
                line.setLength(0);
            }
        }
    }
}
