package dev.ferry.web;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.Api.Reply;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.RawHttp;

/**
 * Bad input of every kind answers a 4xx RFC 9457 problem that names what to fix, never a 500, an HTML page
 * or Spring Boot's own error JSON, and never a Java class name.
 */
class BadRequestsIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static FerryInstance ferry;
    private static Api api;

    @BeforeAll
    static void start() {
        ferry = FerryInstance.start("bad_requests", Map.of());
        api = ferry.api();
        assertThat(api.post("/services", json("{'name':'Account','type':'VIRTUAL_OBJECT',"
                + "'endpoint':'http://127.0.0.1:9','handlers':[{'name':'deposit'}]}")).status()).isEqualTo(201);
        assertThat(api.post("/services", json("{'name':'Greeter','type':'SERVICE',"
                + "'endpoint':'http://127.0.0.1:9','handlers':[{'name':'greet'}]}")).status()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        ferry.close();
    }

    static Stream<Arguments> badInputs() {
        String service = "{'name':'S%d','type':'SERVICE','endpoint':'http://127.0.0.1:9',"
                + "'handlers':[{'name':'h'%s}]%s}";
        return Stream.of(
                Arguments.of("service timeout",
                        post("/services", service.formatted(1, "", ",'timeout':'100000000000000d'")), "timeout"),
                Arguments.of("handler timeout",
                        post("/services", service.formatted(2, ",'timeout':'100000000000000d'", "")),
                        "handlers.timeout"),
                Arguments.of("retry interval", post("/services", service.formatted(3, "",
                        ",'retry_policy':{'initial_interval':'100000000000000d'}")), "retry_policy.initial_interval"),
                Arguments.of("retention",
                        post("/services", service.formatted(4, "", ",'retention':'100000000000000d'")), "retention"),
                Arguments.of("created_after", get("/invocations?created_after=%2B999999999-12-31T23:59:59Z"),
                        "created_after"),
                Arguments.of("created_before", get("/invocations?created_before=-999999999-01-01T00:00:00Z"),
                        "created_before"),
                Arguments.of("NUL key", get("/invocations?key=%00"), "key"),
                Arguments.of("NUL key in counts", get("/invocations/counts?key=%00"), "key"),
                Arguments.of("long RPC key", post("/send/Account/" + "a".repeat(6000) + "/deposit", "{}"), "key"),
                Arguments.of("long idempotency key", (Request) () -> api.send("/send/Greeter/greet", "{}",
                        "Idempotency-Key", "k".repeat(5000)), "Idempotency-Key"),
                Arguments.of("delay of Long.MAX_VALUE s",
                        post("/send/Greeter/greet?delay=9223372036854775807s", "{}"), "delay"),
                Arguments.of("delay of 10^12 s", post("/send/Greeter/greet?delay=1000000000000s", "{}"), "delay"),
                Arguments.of("delay of 3,000,000 days", post("/send/Greeter/greet?delay=3000000d", "{}"), "delay"),
                Arguments.of("garbage cursor", get("/invocations?cursor=garbage"), "cursor"),
                Arguments.of("bulk without a filter", post("/invocations/bulk/cancel", "{}"), "all"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void answersAProblemNamingTheField(String name, Request request, String field) {
        Reply reply = request.send();

        assertThat(reply.status()).as(reply.text()).isEqualTo(400);
        assertThat(reply.headers().firstValue("content-type").orElse("")).startsWith("application/problem+json");
        assertThat(reply.body().get("detail").asString()).contains(field);
        assertThat(reply.body().get("field").asString()).isEqualTo(field);
        assertNoJavaInternals(reply.text());
    }

    static Stream<Arguments> unreadableBodies() {
        String deep = "[".repeat(600) + "]".repeat(600);
        String service = "{'name':'J','type':'SERVICE','endpoint':'http://127.0.0.1:9','handlers':[{'name':'h'}]%s}";
        return Stream.of(
                Arguments.of("number for an enum", "/services",
                        json("{'name':'J','type':1,'endpoint':'http://127.0.0.1:9','handlers':[{'name':'h'}]}"),
                        "Field 'type' must be one of SERVICE, VIRTUAL_OBJECT, WORKFLOW"),
                Arguments.of("unknown enum constant", "/services",
                        json("{'name':'J','type':'THING','endpoint':'http://h:1','handlers':[{'name':'h'}]}"),
                        "Field 'type' must be one of SERVICE, VIRTUAL_OBJECT, WORKFLOW"),
                Arguments.of("number for a nested enum", "/services", json("{'name':'J','type':'VIRTUAL_OBJECT',"
                        + "'endpoint':'http://h:1','handlers':[{'name':'h','type':2}]}"),
                        "Field 'handlers[0].type' must be one of"),
                Arguments.of("number for a property value", "/kafka-clusters", json("{'name':'c','properties':"
                        + "{'bootstrap.servers':9092}}"), "Field 'properties[\"bootstrap.servers\"]' must be a string"),
                Arguments.of("boolean for a string", "/services", json(service.formatted(",'timeout':true")),
                        "Field 'timeout' must be a string"),
                Arguments.of("number for a boolean", "/invocations/bulk/cancel", json("{'service':'x','dry_run':1}"),
                        "Field 'dry_run' must be true or false"),
                Arguments.of("fraction for a whole number", "/invocations/bulk/cancel",
                        json("{'service':'x','limit':2.5}"),
                        "Field 'limit' must be a whole number"),
                Arguments.of("no body", "/services", "", "The request body is missing"),
                Arguments.of("array for an object", "/services", "[1]", "must be an object"),
                Arguments.of("not JSON", "/services", "{not json", "not valid JSON (line 1, column 2)"),
                Arguments.of("600 levels of nesting", "/services", json(service.formatted(",'x':" + deep)),
                        "nesting deeper than 500 levels"),
                Arguments.of("2,000-digit number", "/services", json(service.formatted(",'x':" + "1".repeat(2000))),
                        "a number longer than 1000 characters"),
                Arguments.of("600 levels of nesting for a JSON handler", "/send/Greeter/greet", deep,
                        "nesting deeper than 500 levels"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unreadableBodies")
    void explainsAnUnreadableBodyInTheApisTerms(String name, String path, String body, String detail) {
        Reply reply = api.post(path, body);

        assertThat(reply.status()).as(reply.text()).isEqualTo(400);
        assertThat(reply.headers().firstValue("content-type").orElse("")).startsWith("application/problem+json");
        assertThat(reply.body().get("detail").asString()).contains(detail);
        assertNoJavaInternals(reply.text());
    }

    static Stream<Arguments> malformedRequests() {
        return Stream.of(
                Arguments.of("NUL in the path", "GET /services/a%00b HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of("encoded slash", "GET /services/a%2Fb HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of("10 KB query", "GET /invocations?q=" + "a".repeat(10_240)
                        + " HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of("control character in a header",
                        "GET /services HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0001b\r\n\r\n", 400),
                Arguments.of("TRACE", "TRACE /services HTTP/1.1\r\nHost: x\r\n\r\n", 405),
                Arguments.of("Transfer-Encoding and Content-Length", "POST /services HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 7\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "2\r\n{}\r\n0\r\n\r\n", 400),
                Arguments.of("unknown health component",
                        "GET /actuator/health/nothing HTTP/1.1\r\nHost: x\r\n\r\n", 404),
                Arguments.of("unknown actuator endpoint", "GET /actuator/nothing HTTP/1.1\r\nHost: x\r\n\r\n", 404),
                Arguments.of("unknown metric", "GET /actuator/metrics/nothing HTTP/1.1\r\nHost: x\r\n\r\n", 404),
                Arguments.of("the error page itself", "GET /error HTTP/1.1\r\nHost: x\r\n\r\n", 404),
                Arguments.of("an error for a browser", "GET /services/nothing HTTP/1.1\r\nHost: x\r\n"
                        + "Accept: text/html\r\n\r\n", 404),
                Arguments.of("a body that is not JSON", "POST /services HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi", 415),
                Arguments.of("a body over its declared limit", "POST /services HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 99999999999\r\n\r\n{", 413));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedRequests")
    void answersMalformedHttpWithAProblem(String name, String request, int status) {
        RawHttp.Response response = RawHttp.exchange(ferry.baseUrl(), request.replace("\r\n\r\n",
                "\r\nConnection: close\r\n\r\n"));

        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).as(response.body()).startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asString()).isNotBlank();
        assertNoJavaInternals(response.body());
    }

    static void assertNoJavaInternals(String text) {
        assertThat(text).doesNotContainPattern("(java|dev\\.ferry|org\\.springframework|tools\\.jackson)\\.[a-z]")
                .doesNotContain("Exception").doesNotContain("Cannot deserialize").doesNotContain("<html");
    }

    @FunctionalInterface
    interface Request {
        Reply send();
    }

    private static Request post(String path, String body) {
        return () -> api.post(path, json(body));
    }

    private static Request get(String path) {
        return () -> api.get(path);
    }
}
