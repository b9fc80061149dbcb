package dev.ferry.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Checks that docker-compose.yml and the Prometheus configuration it mounts fit together: Ferry
 * finds PostgreSQL and Kafka, Kafka is a consistent single-node KRaft cluster, Prometheus scrapes
 * Ferry, and nothing is published beyond the loopback interface.
 */
class DockerComposeTest {

    private static final Path COMPOSE_FILE = Path.of("docker-compose.yml");

    private static Map<String, Object> compose;
    private static Map<String, Object> services;

    @BeforeAll
    static void parse() throws IOException {
        compose = load(COMPOSE_FILE);
        services = map(compose.get("services"));
    }

    @Test
    void definesTheFiveServices() {
        assertThat(services).containsOnlyKeys("postgres", "kafka", "ferry", "prometheus", "grafana");
    }

    @Test
    void publishesPortsOnLoopbackOnly() {
        services.forEach((name, service) -> {
            List<Object> ports = list(map(service).getOrDefault("ports", List.of()));
            assertThat(ports).as("ports of %s", name)
                    .allSatisfy(port -> assertThat(port).asString().startsWith("127.0.0.1:"));
        });
        assertThat(list(service("ferry").get("ports"))).contains("127.0.0.1:8080:8080");
    }

    @Test
    void startsFerryOnceItsDatabaseAndKafkaAreHealthy() {
        Map<String, Object> dependsOn = map(service("ferry").get("depends_on"));

        assertThat(dependsOn).containsOnlyKeys("postgres", "kafka");
        dependsOn.values().forEach(dependency ->
                assertThat(map(dependency)).containsEntry("condition", "service_healthy"));
        assertThat(service("postgres")).containsKey("healthcheck");
        assertThat(service("kafka")).containsKey("healthcheck");
    }

    @Test
    void pointsFerryAtThePostgresService() {
        Map<String, String> ferry = environment("ferry");
        Map<String, String> postgres = environment("postgres");

        URI url = URI.create(ferry.get("SPRING_DATASOURCE_URL").substring("jdbc:".length()));
        assertThat(url.getScheme()).isEqualTo("postgresql");
        assertThat(url.getHost()).isEqualTo("postgres");
        assertThat(url.getPort()).isEqualTo(5432);
        assertThat(url.getPath()).isEqualTo("/" + postgres.get("POSTGRES_DB"));
        assertThat(ferry.get("SPRING_DATASOURCE_USERNAME")).isEqualTo(postgres.get("POSTGRES_USER"));
        assertThat(ferry.get("SPRING_DATASOURCE_PASSWORD")).isEqualTo(postgres.get("POSTGRES_PASSWORD"));
        assertThat(ferry).containsKey("FERRY_SECURITY_ENCRYPTION_KEY");
    }

    @Test
    void runsTheImageBuiltBySpringBootAndChecksReadiness() {
        Map<String, Object> ferry = service("ferry");

        assertThat(ferry.get("image")).isEqualTo("ferry:0.1.0-SNAPSHOT");
        assertThat(environment("ferry"))
                .containsEntry("JAVA_TOOL_OPTIONS",
                        "-XX:+ExitOnOutOfMemoryError -XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
                .containsEntry("THC_PORT", "8080")
                .containsEntry("THC_PATH", "/actuator/health/readiness");
        assertThat(at(ferry, "healthcheck", "test")).isEqualTo(List.of("CMD", "/workspace/health-check"));
    }

    /**
     * The image has no shell, so the health check can only run what the build puts into it: Paketo's health
     * checker buildpack, which links {@code /workspace/health-check}, and Spring Boot's readiness group that
     * {@code THC_PATH} asks for.
     */
    @Test
    void checksHealthWithWhatTheImageBuildPutsIntoIt() throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
        XPath xpath = XPathFactory.newInstance().newXPath();
        String image = "//plugin[artifactId='spring-boot-maven-plugin']/configuration/image";

        assertThat(List.of(xpath.evaluate(image + "/buildpacks/buildpack[1]", pom),
                xpath.evaluate(image + "/buildpacks/buildpack[2]", pom)))
                .containsExactly("urn:cnb:builder:paketo-buildpacks/java", "docker.io/paketobuildpacks/health-checker");
        assertThat(xpath.evaluate(image + "/env/BP_HEALTH_CHECKER_ENABLED", pom)).isEqualTo("true");
        assertThat(list(at(service("ferry"), "healthcheck", "test")).get(1)).isEqualTo("/workspace/health-check");
        Map<String, Object> application = load(Path.of("src", "main", "resources", "application.yml"));
        assertThat(at(application, "management", "endpoint", "health", "probes", "enabled")).isEqualTo(true);
        assertThat(environment("ferry").get("THC_PATH")).isEqualTo("/actuator/health/readiness");
    }

    @Test
    void keepsPostgresDataInANamedVolume() {
        assertThat(at(service("postgres"), "image")).isEqualTo("postgres:17");
        assertThat(list(service("postgres").get("volumes"))).contains("postgres-data:/var/lib/postgresql/data");
        assertThat(map(compose.get("volumes"))).containsKey("postgres-data");
        assertThat(at(service("postgres"), "healthcheck", "test")).asString().contains("pg_isready");
    }

    @Test
    void runsKafkaAsASingleKraftNode() {
        Map<String, String> kafka = environment("kafka");
        assertThat(at(service("kafka"), "image")).asString().startsWith("apache/kafka:");

        assertThat(Arrays.asList(kafka.get("KAFKA_PROCESS_ROLES").split(",")))
                .containsExactlyInAnyOrder("broker", "controller");

        Map<String, Address> listeners = listeners(kafka.get("KAFKA_LISTENERS"));
        Map<String, Address> advertised = listeners(kafka.get("KAFKA_ADVERTISED_LISTENERS"));
        Map<String, String> protocols = pairs(kafka.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"));
        String controller = kafka.get("KAFKA_CONTROLLER_LISTENER_NAMES");
        String interBroker = kafka.get("KAFKA_INTER_BROKER_LISTENER_NAME");

        assertThat(protocols).containsOnlyKeys(listeners.keySet());
        assertThat(listeners).containsKeys(controller, interBroker);
        assertThat(advertised).doesNotContainKey(controller);
        assertThat(listeners.keySet()).containsAll(advertised.keySet());

        // Other containers reach the broker by its service name on the inter-broker listener.
        assertThat(advertised.get(interBroker).host()).isEqualTo("kafka");
        assertThat(advertised.get(interBroker).port()).isEqualTo(9092).isEqualTo(listeners.get(interBroker).port());

        // The only voter is this node, reached on the controller listener.
        String voter = kafka.get("KAFKA_CONTROLLER_QUORUM_VOTERS");
        assertThat(voter).doesNotContain(",");
        String[] idAndAddress = voter.split("@");
        assertThat(idAndAddress[0]).isEqualTo(kafka.get("KAFKA_NODE_ID"));
        Address voterAddress = Address.parse(idAndAddress[1]);
        assertThat(voterAddress.host()).isEqualTo("kafka");
        assertThat(voterAddress.port()).isEqualTo(listeners.get(controller).port());

        assertThat(kafka)
                .containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
                .containsEntry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
                .containsEntry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1");

        // Host clients use the second listener, published on loopback.
        advertised.forEach((name, address) -> {
            if (!name.equals(interBroker)) {
                assertThat(address.host()).isEqualTo("localhost");
                assertThat(list(service("kafka").get("ports")))
                        .contains("127.0.0.1:%d:%d".formatted(address.port(), listeners.get(name).port()));
            }
        });

        assertThat(list(at(service("kafka"), "healthcheck", "test")))
                .contains("/opt/kafka/bin/kafka-broker-api-versions.sh", "localhost:"
                        + listeners.get(interBroker).port());
    }

    @Test
    void scrapesFerryWithPrometheus() throws IOException {
        Map<String, Object> prometheus = service("prometheus");
        assertThat(at(prometheus, "image")).asString().startsWith("prom/prometheus:");
        assertThat(map(prometheus.get("depends_on"))).containsKey("ferry");

        String mount = list(prometheus.get("volumes")).stream()
                .map(String::valueOf)
                .filter(volume -> volume.contains(":/etc/prometheus/prometheus.yml"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("prometheus.yml is not mounted"));
        Path configFile = Path.of(mount.substring(0, mount.indexOf(':')));
        assertThat(configFile).isEqualTo(Path.of("./deploy/prometheus/prometheus.yml"));

        Map<String, Object> config = load(configFile);
        Map<String, Object> ferryJob = list(config.get("scrape_configs")).stream()
                .map(DockerComposeTest::map)
                .filter(job -> "ferry".equals(job.get("job_name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no scrape job for ferry"));
        assertThat(ferryJob.get("metrics_path")).isEqualTo("/actuator/prometheus");
        assertThat(list(ferryJob.get("static_configs")))
                .flatExtracting(staticConfig -> list(map(staticConfig).get("targets")))
                .containsExactly("ferry:8080");
    }

    // --- helpers ---

    private static Map<String, Object> load(Path file) throws IOException {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        return map(yaml.load(Files.readString(file)));
    }

    private static Map<String, Object> service(String name) {
        return map(services.get(name));
    }

    /** A service's environment as strings, as the container sees it. */
    private static Map<String, String> environment(String service) {
        Map<String, String> environment = new LinkedHashMap<>();
        map(service(service).get("environment")).forEach((key, value) -> environment.put(key, String.valueOf(value)));
        return environment;
    }

    /** A host and port; the host is empty when a listener binds all interfaces. */
    private record Address(String host, int port) {

        static Address parse(String hostAndPort) {
            int colon = hostAndPort.lastIndexOf(':');
            return new Address(hostAndPort.substring(0, colon), Integer.parseInt(hostAndPort.substring(colon + 1)));
        }
    }

    /** Kafka listeners ("NAME://host:port,...") by name. */
    private static Map<String, Address> listeners(String spec) {
        Map<String, Address> listeners = new LinkedHashMap<>();
        for (String listener : spec.split(",")) {
            int separator = listener.indexOf("://");
            listeners.put(listener.substring(0, separator), Address.parse(listener.substring(separator + 3)));
        }
        return listeners;
    }

    /** "A:B,C:D" as a map. */
    private static Map<String, String> pairs(String spec) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String pair : spec.split(",")) {
            String[] parts = pair.split(":", 2);
            pairs.put(parts[0], parts[1]);
        }
        return pairs;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        assertThat(value).isInstanceOf(List.class);
        return (List<Object>) value;
    }

    private static Object at(Object root, String... keys) {
        Object current = root;
        for (String key : keys) {
            current = current instanceof Map<?, ?> m ? m.get(key) : null;
        }
        return current;
    }
}
