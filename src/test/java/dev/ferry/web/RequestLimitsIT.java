package dev.ferry.web;

import static dev.ferry.testsupport.Api.json;
import static dev.ferry.web.BadRequestsIT.assertNoJavaInternals;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.Api.Reply;
import dev.ferry.testsupport.FerryInstance;

/** Request bodies, property names and values are bounded, and going past a bound is a problem that names it. */
class RequestLimitsIT {

    private static final int MIB = 1024 * 1024;

    private static FerryInstance ferry;
    private static Api api;

    @BeforeAll
    static void start() {
        // the RPC limit is set on its own, to show that it is separate from the admin API's
        ferry = FerryInstance.start("request_limits", Map.of("ferry.api.max-rpc-request-size", "2MB"));
        api = ferry.api();
        assertThat(api.post("/services", json("{'name':'Greeter','type':'SERVICE',"
                + "'endpoint':'http://127.0.0.1:9','handlers':[{'name':'greet'}]}")).status()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        ferry.close();
    }

    static Stream<Arguments> tooLarge() {
        return Stream.of(
                Arguments.of("/services", 1536 * 1024, false, "larger than 1 MiB", "ferry.api.max-request-size"),
                Arguments.of("/services", 1536 * 1024, true, "larger than 1 MiB", "ferry.api.max-request-size"),
                Arguments.of("/kafka-clusters", 10 * MIB, false, "larger than 1 MiB", "ferry.api.max-request-size"),
                Arguments.of("/send/Greeter/greet", 10 * MIB, false, "larger than 2 MiB",
                        "ferry.api.max-rpc-request-size"),
                Arguments.of("/send/Greeter/greet", 25 * MIB, true, "larger than 2 MiB",
                        "ferry.api.max-rpc-request-size"),
                Arguments.of("/call/Greeter/greet", 3 * MIB, true, "larger than 2 MiB",
                        "ferry.api.max-rpc-request-size"));
    }

    @ParameterizedTest(name = "{0}: {1} bytes, chunked {2}")
    @MethodSource("tooLarge")
    void refusesABodyOverItsLimitWith413(String path, int size, boolean chunked, String limit, String setting)
            throws Exception {
        HttpResponse<String> response = post(path, jsonString(size), chunked);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("application/problem+json");
        String detail = JsonMapper.builder().build().readTree(response.body()).get("detail").asString();
        assertThat(detail).contains(limit).contains(setting);
        assertNoJavaInternals(response.body());
    }

    @Test
    void acceptsBodiesUpToTheLimit() throws Exception {
        assertThat(post("/send/Greeter/greet", jsonString(1536 * 1024), true).statusCode()).isEqualTo(202);
        assertThat(post("/send/Greeter/greet", jsonString(1536 * 1024), false).statusCode()).isEqualTo(202);
        assertThat(post("/invocations/bulk/cancel", "{\"service\":\"Greeter\",\"dry_run\":true,\"x\":"
                + jsonString(900 * 1024) + "}", true).statusCode()).isEqualTo(200);
    }

    static Stream<Arguments> oversizedProperties() {
        String longValue = "c".repeat(PropertyLimits.MAX_VALUE + 1);
        String longName = "n".repeat(PropertyLimits.MAX_NAME + 1);
        return Stream.of(
                Arguments.of("/kafka-clusters", "{'name':'c','properties':{'bootstrap.servers':'127.0.0.1:9092',"
                        + "'client.id':'" + longValue + "'}}", "at most 4096"),
                Arguments.of("/kafka-clusters", "{'name':'c','properties':{'bootstrap.servers':'127.0.0.1:9092','"
                        + longName + "':'x'}}", "at most 256"),
                Arguments.of("/subscriptions", "{'source':'kafka://c/t','sink':'service://Greeter/greet',"
                        + "'options':{'client.id':'" + longValue + "'}}", "at most 4096"));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("oversizedProperties")
    void refusesOversizedPropertyNamesAndValues(String path, String body, String limit) {
        Reply reply = api.post(path, json(body));

        assertThat(reply.status()).as(reply.text()).isEqualTo(400);
        assertThat(reply.body().get("detail").asString()).contains(limit);
        assertThat(reply.text()).doesNotContain("ccccccccccccccccccccccccccccccc");
    }

    @Test
    void refusesAnOversizedPropertyInAPatchToo() {
        assertThat(api.post("/kafka-clusters", json("{'name':'patched','properties':{'bootstrap.servers':"
                + "'127.0.0.1:9092'}}")).status()).isEqualTo(201);

        Reply reply = api.patch("/kafka-clusters/patched?merge=true", json("{'properties':{'client.id':'"
                + "c".repeat(5000) + "'}}"));

        assertThat(reply.status()).as(reply.text()).isEqualTo(400);
        assertThat(reply.body().get("detail").asString()).contains("'client.id'").contains("at most 4096");
    }

    /** A JSON string of about {@code size} bytes. */
    private static String jsonString(int size) {
        return "\"" + "x".repeat(size - 2) + "\"";
    }

    private static HttpResponse<String> post(String path, String body, boolean chunked) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest.BodyPublisher publisher = chunked
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))
                : HttpRequest.BodyPublishers.ofByteArray(bytes);
        HttpRequest request = HttpRequest.newBuilder(URI.create(ferry.baseUrl() + path))
                .header("content-type", "application/json").POST(publisher).build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }
}
