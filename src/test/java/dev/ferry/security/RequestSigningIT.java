package dev.ferry.security;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.HandlerServer.Received;
import dev.ferry.testsupport.HandlerServer.Response;
import dev.ferry.testsupport.Records;
import dev.ferry.testsupport.TestInfrastructure;

/** A handler that checks Ferry's signature, as docs/security.md shows, accepts the calls of a delivered record. */
class RequestSigningIT {

    private static final String SIGNING_KEY = "shared-signing-key-3f9a7c2e";

    private static FerryInstance ferry;
    private static Api api;

    @BeforeAll
    static void start() {
        ferry = FerryInstance.start("request_signing", Map.of("ferry.security.signing-key", SIGNING_KEY));
        api = ferry.api();
    }

    @AfterAll
    static void stop() {
        ferry.close();
    }

    @Test
    void aHandlerVerifiesTheSignatureOfADeliveredRecord() {
        try (HandlerServer handler = HandlerServer.start()) {
            handler.respondWith(request -> verified(request) ? Response.ok("{}") : Response.status(401));
            String brokers = TestInfrastructure.kafka().bootstrapServers();
            api.post("/kafka-clusters",
                    json("{'name':'signing','properties':{'bootstrap.servers':'%s'}}".formatted(brokers)));
            api.post("/services",
                    json("{'name':'Signed','type':'VIRTUAL_OBJECT','endpoint':'%s','handlers':[{'name':'take'}]}"
                    .formatted(handler.endpoint())));
            api.post("/subscriptions", json("{'source':'kafka://signing/signed-topic','sink':'service://Signed/take',"
                    + "'options':{'auto.offset.reset':'earliest'}}"));

            try (Records records = new Records(brokers)) {
                records.send("signed-topic", "key with/slash", "{\"amount\":42}");
                records.flush();
            }

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(api.get("/invocations?service=Signed")
                    .body().path("invocations").findValuesAsString("status")).contains("completed"));
            Received call = handler.received().getFirst();
            assertThat(call.path()).isEqualTo("/Signed/key%20with%2Fslash/take");
            assertThat(call.header("x-ferry-signature")).startsWith("v1=");
            assertThat(verified(call)).isTrue();
            assertThat(api.get("/invocations?service=Signed").body().path("invocations")
                    .findValuesAsString("completion"))
                    .containsOnly("success");
        }
    }

    /** What a handler does: recompute the HMAC over method, path, timestamp and body; compare in constant time. */
    private static boolean verified(Received request) {
        String timestamp = request.header("x-ferry-timestamp");
        String signature = request.header("x-ferry-signature");
        if (timestamp == null || signature == null
                || Math.abs(Instant.now().getEpochSecond() - Long.parseLong(timestamp)) > 300) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SIGNING_KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((request.method() + "\n" + request.path() + "\n" + timestamp + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            String expected = "v1=" + HexFormat.of().formatHex(mac.doFinal(request.body()));
            return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                    signature.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
