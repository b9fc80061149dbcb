package dev.ferry.security;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.FerryProcess;
import dev.ferry.testsupport.TestInfrastructure;

/**
 * Ferry at {@code logging.level.root=DEBUG}, configured as docs/operations.md shows ({@code java ... --name=value},
 * or with environment variables), is given distinctive secrets: the encryption keys, the tokens of each role, the
 * signing key and the database password; a cluster's password goes through the API. None of them may appear in its
 * output,
 * from start-up (where Hibernate's factory line prints every system property, the command line included)
 * to shutdown.
 */
class NoSecretInDebugLogIT {

    private static final SecureRandom RANDOM = new SecureRandom();

    @ParameterizedTest(name = "secrets given as {0}")
    @ValueSource(strings = {"arguments", "environment"})
    void noSecretReachesTheLogAtDebug(String how) throws IOException {
        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("ferry.security.encryption-key", key());
        secrets.put("ferry.security.previous-encryption-keys", key());
        secrets.put("ferry.security.admin-token", "admin-token-" + random());
        secrets.put("ferry.security.signing-key", "signing-key-" + random());
        // the test server accepts any password, so it can be one that appears nowhere else
        secrets.put("spring.datasource.password", "db-password-" + random());
        secrets.put("ferry.security.tokens.ingress", "ingress-token-" + random());
        secrets.put("ferry.security.tokens.read-only", "read-only-token-" + random());
        String clusterPassword = "cluster-password-" + random();
        Map<String, String> properties = new LinkedHashMap<>(Map.of("logging.level.root", "DEBUG"));
        Map<String, String> environment = new LinkedHashMap<>();
        if (how.equals("arguments")) {
            properties.putAll(secrets);
        } else {
            secrets.forEach((name, value) ->
                    environment.put(name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'), value));
        }
        Path log = Path.of("target", "no-secret-in-debug-log-" + how + ".log");
        Files.deleteIfExists(log);

        try (FerryProcess ferry = FerryProcess.start(TestInfrastructure.freshDatabase("debug_log_" + how), properties,
                environment, log)) {
            Api api = ferry.api().withBearerToken(secrets.get("ferry.security.admin-token"));
            Api.Reply created = api.post("/kafka-clusters", json("""
                    {'name':'secretive','properties':{'bootstrap.servers':'127.0.0.1:1',\
                    'security.protocol':'SASL_PLAINTEXT',
                     'sasl.mechanisms':'PLAIN','sasl.username':'user','sasl.password':'%s'}}"""
                    .formatted(clusterPassword)));
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            assertThat(api.get("/kafka-clusters/secretive").status()).isEqualTo(200);
            assertThat(ferry.api().withBearerToken("wrong-" + random()).get("/kafka-clusters").status()).isEqualTo(401);
            Api reader = ferry.api().withBearerToken(secrets.get("ferry.security.tokens.read-only"));
            assertThat(reader.get("/kafka-clusters/secretive").status()).isEqualTo(200);
            assertThat(reader.delete("/kafka-clusters/secretive").status()).isEqualTo(403);
            Api caller = ferry.api().withBearerToken(secrets.get("ferry.security.tokens.ingress"));
            assertThat(caller.post("/call/Nothing/here", "{}").status()).isEqualTo(404);
            assertThat(caller.get("/kafka-clusters").status()).isEqualTo(403);
            ferry.terminate();
            assertThat(ferry.awaitExit(Duration.ofSeconds(60))).isTrue();
        }

        String output = Files.readString(log);
        assertThat(output).as("DEBUG lines are written").contains(" DEBUG ").contains("Started FerryApplication");
        List<String> values = List.copyOf(secrets.values());
        for (String secret : List.of(values.get(0), values.get(1), values.get(2), values.get(3), values.get(4),
                values.get(5), values.get(6), clusterPassword)) {
            assertThat(output).as("the output (%s)", log).doesNotContain(secret);
        }
    }

    private static String key() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private static String random() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
