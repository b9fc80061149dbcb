package dev.ferry.e2e;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.Api.Reply;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.Ports;
import dev.ferry.testsupport.SdkEndpoint;
import dev.ferry.testsupport.SdkEndpoint.Transport;

/**
 * Request identity and SDK meters against the real TypeScript SDK ({@code account-counter.mjs} served with
 * {@code identityKeys}): a Ferry that signs with the matching Ed25519 key registers and invokes the deployment; a
 * deployment that trusts another key, or a Ferry that signs nothing, is refused with a problem that says which key
 * to configure. The meters of an invocation that suspends on a {@code ctx.run} are read from
 * {@code /actuator/prometheus}.
 */
class RestateIdentityAndMetricsIT {

    /** RFC 8032, section 7.1, test 1, as PKCS#8 PEM (what {@code openssl genpkey -algorithm ed25519} writes). */
    static final String PRIVATE_KEY = """
            -----BEGIN PRIVATE KEY-----
            MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g
            -----END PRIVATE KEY-----
            """;
    /** Its public key in the form the SDK's identityKeys take (base58 computed apart from Ferry). */
    static final String PUBLIC_KEY = "publickeyv1_FVen3X669xLzsi6N2V91DoiyzHzg1uAgqiT8jZ9nS96Z";
    /** A key nobody here holds the private key of. */
    static final String OTHER_PUBLIC_KEY = "publickeyv1_ChjENKeMvCtRnqG2mrBK1HmPKufgFUc98K8B3ononQvp";

    private static FerryInstance signing;
    private static FerryInstance unsigned;
    private static Api api;

    @BeforeAll
    static void start() {
        signing = FerryInstance.start("restate_identity", Map.of("ferry.security.restate-signing-key", PRIVATE_KEY));
        unsigned = FerryInstance.start("restate_unsigned", Map.of());
        api = signing.api();
    }

    @AfterAll
    static void stop() {
        signing.close();
        unsigned.close();
    }

    @AfterEach
    void removeDeployments() {
        for (FerryInstance ferry : new FerryInstance[] {signing, unsigned}) {
            for (JsonNode deployment : ferry.api().get("/deployments").body().get("deployments")) {
                ferry.api().delete("/deployments/" + deployment.get("id").asString() + "?force=true");
            }
        }
    }

    @Test
    void aSignedFerryRegistersAndInvokesADeploymentThatVerifiesItsKeyAndMetersTheInvocation() {
        try (SdkEndpoint endpoint = SdkEndpoint.start("account-counter.mjs", Transport.H2C, PUBLIC_KEY)) {
            Reply registered = api.post("/deployments", json("{'uri':'%s'}".formatted(endpoint.uri())));
            assertThat(registered.status()).as(registered.text() + endpoint.log()).isIn(200, 201);

            Reply deposited = api.post("/call/Account/signed-1/deposit", "5");
            assertThat(deposited.status()).as(deposited.text()).isEqualTo(200);
            assertThat(deposited.body().get("balance").asInt()).isEqualTo(5);
            assertThat(api.post("/call/Account/signed-1/balance", "").text()).isEqualTo("5");
            assertThat(endpoint.log()).doesNotContain("Rejecting request");

            String metrics = api.get("/actuator/prometheus").text();
            String deposit = "handler=\"deposit\"";
            // the deposit suspends once on its ctx.run and is invoked again at once: two requests, one replay
            assertThat(value(metrics, "ferry_restate_exchanges_total", deposit, "ending=\"suspended\"")).isEqualTo(1);
            assertThat(value(metrics, "ferry_restate_exchanges_total", deposit, "ending=\"output\"")).isEqualTo(1);
            assertThat(value(metrics, "ferry_restate_suspensions_total", deposit, "kind=\"ready\"")).isEqualTo(1);
            assertThat(value(metrics, "ferry_restate_replayed_entries_count", deposit)).isEqualTo(2);
            assertThat(value(metrics, "ferry_restate_replayed_entries_sum", deposit)).isEqualTo(4);
            assertThat(value(metrics, "ferry_restate_journal_length_entries_sum", deposit)).isEqualTo(6);
            assertThat(value(metrics, "ferry_restate_invocation_attempts_sum", deposit)).isEqualTo(1);
            assertThat(value(metrics, "ferry_restate_invocation_attempts_count", deposit)).isEqualTo(1);
        }
    }

    @Test
    void aDeploymentThatTrustsAnotherKeyIsRefusedWithTheKeyFerrySignsWith() {
        try (SdkEndpoint endpoint = SdkEndpoint.start("account-counter.mjs", Transport.HTTP1, OTHER_PUBLIC_KEY)) {
            Reply refused = api.post("/deployments", json("{'uri':'%s'}".formatted(endpoint.uri())));

            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.body().get("type").asString()).endsWith("discovery-unauthorized");
            assertThat(refused.body().get("detail").asString()).contains("HTTP status 401", PUBLIC_KEY,
                    "nothing was registered");
            assertThat(api.get("/deployments").body().get("deployments")).isEmpty();
            await().atMost(Duration.ofSeconds(10)).until(() -> endpoint.log().contains("Rejecting request"));
        }
    }

    @Test
    void anUnsignedFerryIsRefusedAtRegistrationAndItsInvocationsSaySoWhenTheDeploymentStartsVerifying() {
        Api plain = unsigned.api();
        int port = Ports.freePort();
        try (SdkEndpoint verifying = SdkEndpoint.startOn(port, "account-counter.mjs", Transport.H2C, PUBLIC_KEY)) {
            Reply refused = plain.post("/deployments", json("{'uri':'%s'}".formatted(verifying.uri())));
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.body().get("detail").asString())
                    .contains("ferry.security.restate-signing-key is unset");
        }
        try (SdkEndpoint open = SdkEndpoint.startOn(port, "account-counter.mjs", Transport.H2C)) {
            Reply registered = plain.post("/deployments", json("{'uri':'%s'}".formatted(open.uri())));
            assertThat(registered.status()).as(registered.text()).isIn(200, 201);
        }
        try (SdkEndpoint verifying = SdkEndpoint.startOn(port, "account-counter.mjs", Transport.H2C, PUBLIC_KEY)) {
            Reply sent = plain.post("/send/Counter/echo", "1");
            assertThat(sent.status()).as(sent.text()).isEqualTo(202);
            String id = sent.body().get("invocation_id").asString();

            await().atMost(Duration.ofSeconds(30)).until(() -> failure(plain, id).contains("401"));
            assertThat(failure(plain, id)).contains("ferry.security.restate-signing-key");
            assertThat(plain.get("/invocations/" + id).body().get("status").asString()).isNotEqualTo("completed");
        }
    }

    private static String failure(Api api, String id) {
        JsonNode lastFailure = api.get("/invocations/" + id).body().get("last_failure");
        return lastFailure == null || lastFailure.isNull() ? "" : lastFailure.asString();
    }

    /** The value of the first sample of {@code name} whose labels contain all of {@code labels}. */
    private static double value(String metrics, String name, String... labels) {
        return metrics.lines()
                .filter(line -> line.startsWith(name + "{") && Arrays.stream(labels).allMatch(line::contains))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no sample " + name + " " + Arrays.toString(labels)
                        + " in:\n" + metrics.lines().filter(line -> line.startsWith("ferry_restate")).toList()));
    }
}
