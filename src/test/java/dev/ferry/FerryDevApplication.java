package dev.ferry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;

import dev.ferry.cluster.KafkaClusterRegistry;
import dev.ferry.testsupport.EmbeddedDatabase;
import dev.ferry.testsupport.EmbeddedKafkaBroker;

/**
 * Runs Ferry on a developer's machine with nothing installed: {@code ./mvnw spring-boot:test-run}.
 * It uses the PostgreSQL at localhost:5432 when one answers (or {@code FERRY_DATABASE_URL}), otherwise an
 * embedded PostgreSQL whose data lives in {@code .dev/postgres}; it starts a single-node Kafka broker on
 * 127.0.0.1:9092 (data in {@code .dev/kafka}) and registers it as cluster {@code local}; secrets are encrypted
 * with a local key kept in {@code .dev/encryption-key} unless {@code FERRY_SECURITY_ENCRYPTION_KEY} is set.
 * None of this is in the production jar, which is configured like any Spring Boot application.
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
        boolean keyGiven = System.getenv("FERRY_SECURITY_ENCRYPTION_KEY") != null
                || List.of(args).stream().anyMatch(arg -> arg.startsWith("--ferry.security.encryption-key="));
        if (!keyGiven) {
            arguments.add("--ferry.security.encryption-key=" + localEncryptionKey(home.resolve("encryption-key")));
        }
        arguments.addAll(List.of(args));
        SpringApplication.from(FerryApplication::main).with(LocalCluster.class).run(arguments.toArray(String[]::new));
    }

    /**
     * The development instance's key for secrets at rest: generated once and kept in {@code .dev/encryption-key}
     * (readable by the owner only), so that secrets stored by one run can be read by the next.
     */
    static String localEncryptionKey(Path file) {
        try {
            if (Files.exists(file)) {
                return Files.readString(file).strip();
            }
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            String encoded = Base64.getEncoder().encodeToString(key);
            Files.createDirectories(file.getParent());
            Files.writeString(file, encoded + "\n");
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                log.debug("Cannot restrict the permissions of {} on this file system", file);
            }
            log.info("Generated a local encryption key for secrets in {}", file);
            return encoded;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the development encryption key " + file, e);
        }
    }

    /** Registers the development broker as cluster {@code local}, once. */
    @TestConfiguration(proxyBeanMethods = false)
    static class LocalCluster {

        @Bean
        LocalClusterRegistration localClusterRegistration(KafkaClusterRegistry clusters,
                Environment environment) {
            return new LocalClusterRegistration(clusters,
                    environment.getRequiredProperty("ferry.dev.kafka-bootstrap-servers"));
        }
    }

    record LocalClusterRegistration(KafkaClusterRegistry clusters, String bootstrapServers) {

        @EventListener(ApplicationReadyEvent.class)
        void register() {
            if (clusters.exists("local")) {
                Map<String, String> properties = Map.of("bootstrap.servers", bootstrapServers);
                if (!clusters.get("local").properties().equals(properties)) {
                    clusters.replaceProperties("local", properties, null);
                }
            } else {
                clusters.create("local", Map.of("bootstrap.servers", bootstrapServers));
            }
            log.info("Kafka cluster 'local' is {}; Ferry's API is at http://127.0.0.1:8080, Swagger UI at"
                    + " http://127.0.0.1:8080/swagger-ui.html", bootstrapServers);
        }
    }
}
