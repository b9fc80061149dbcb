package dev.ferry;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

import dev.ferry.cluster.KafkaClusterRegistry;
import dev.ferry.testsupport.EmbeddedDatabase;
import dev.ferry.testsupport.EmbeddedKafkaBroker;

/**
 * Runs Ferry on a developer's machine with nothing installed: {@code ./mvnw spring-boot:test-run}.
 * It uses the PostgreSQL at localhost:5432 when one answers (or {@code FERRY_DATABASE_URL}), otherwise an
 * embedded PostgreSQL whose data lives in {@code .dev/postgres}; it starts a single-node Kafka broker on
 * 127.0.0.1:9092 (data in {@code .dev/kafka}) and registers it as cluster {@code local}. None of this is
 * in the production jar, which is configured like any Spring Boot application.
 */
public final class FerryDevApplication {

    private static final Logger log = LoggerFactory.getLogger(FerryDevApplication.class);

    public static void main(String[] args) {
        Path home = Path.of(System.getProperty("ferry.dev.dir", ".dev")).toAbsolutePath();
        EmbeddedDatabase database = EmbeddedDatabase.forDevelopment(home.resolve("postgres"));
        String databaseUrl = database.ensureDatabase("ferry");
        EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder()
                .port(Integer.getInteger("ferry.dev.kafka-port", 9092))
                .logDir(home.resolve("kafka"))
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            database.close();
        }, "ferry-dev-shutdown"));
        log.info("Development Kafka broker on {}, PostgreSQL at {}", kafka.bootstrapServers(), databaseUrl);

        List<String> arguments = new ArrayList<>(List.of(
                "--spring.datasource.url=" + databaseUrl,
                "--spring.datasource.username=" + database.username(),
                "--spring.datasource.password=" + database.password(),
                "--server.address=127.0.0.1",
                "--ferry.dev.kafka-bootstrap-servers=" + kafka.bootstrapServers()));
        arguments.addAll(List.of(args));
        SpringApplication.from(FerryApplication::main).with(LocalCluster.class).run(arguments.toArray(String[]::new));
    }

    /** Registers the development broker as cluster {@code local}, once. */
    @TestConfiguration(proxyBeanMethods = false)
    static class LocalCluster {

        @Bean
        LocalClusterRegistration localClusterRegistration(KafkaClusterRegistry clusters,
                org.springframework.core.env.Environment environment) {
            return new LocalClusterRegistration(clusters, environment.getRequiredProperty("ferry.dev.kafka-bootstrap-servers"));
        }
    }

    record LocalClusterRegistration(KafkaClusterRegistry clusters, String bootstrapServers) {

        @EventListener(ApplicationReadyEvent.class)
        void register() {
            if (clusters.exists("local")) {
                Map<String, String> properties = Map.of("bootstrap.servers", bootstrapServers);
                if (!clusters.get("local").properties().equals(properties)) {
                    clusters.replaceProperties("local", properties);
                }
            } else {
                clusters.create("local", Map.of("bootstrap.servers", bootstrapServers));
            }
            log.info("Kafka cluster 'local' is {}; Ferry's API is at http://127.0.0.1:8080, Swagger UI at"
                    + " http://127.0.0.1:8080/swagger-ui.html", bootstrapServers);
        }
    }
}
