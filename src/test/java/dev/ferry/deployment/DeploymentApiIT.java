package dev.ferry.deployment;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.ferry.service.HandlerTarget;
import dev.ferry.service.ServiceProtocol;
import dev.ferry.service.ServiceRegistry;
import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.Api.Reply;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.Ports;
import dev.ferry.testsupport.SdkEndpoint;
import dev.ferry.testsupport.SdkEndpoint.Transport;
import dev.ferry.testsupport.TestInfrastructure;

/**
 * Registering real Restate TypeScript SDK endpoints (h2c and HTTP/1.1) through {@code /deployments}, and what is
 * refused without storing anything.
 */
class DeploymentApiIT {

    private static final String SCRIPT = "discovery-greeter.mjs";

    private static FerryInstance ferry;
    private static Api api;

    @BeforeAll
    static void start() {
        ferry = FerryInstance.start("deployment_api", Map.of());
        api = ferry.api();
    }

    @AfterAll
    static void stop() {
        ferry.close();
    }

    @AfterEach
    void removeDeployments() {
        for (JsonNode deployment : api.get("/deployments").body().get("deployments")) {
            api.delete("/deployments/" + deployment.get("id").asString() + "?force=true");
        }
    }

    @Test
    void registersAnHttp2DeploymentAndItsServices() {
        try (SdkEndpoint endpoint = SdkEndpoint.start(SCRIPT, Transport.H2C)) {
            Reply registered = api.post("/deployments", json("{'uri':'%s','force':false}".formatted(endpoint.uri())));

            assertThat(registered.status()).as(registered.text()).isEqualTo(201);
            String id = registered.body().get("id").asString();
            assertThat(id).matches("dp_1[0-9A-Za-z]{22}");
            assertThat(registered.location()).endsWith("/deployments/" + id);
            assertThat(names(registered.body().get("services")))
                    .containsExactly("DiscoveryGreeter", "DiscoveryCounter", "DiscoverySignup");
            assertThat(registered.body().get("min_protocol_version").asInt()).isEqualTo(5);
            assertThat(registered.body().get("sdk_version").asString()).startsWith("restate-sdk-typescript/1.17");

            JsonNode listed = api.get("/v4/deployments").body().get("deployments").get(0);
            assertThat(listed.get("id").asString()).isEqualTo(id);
            assertThat(listed.get("http_version").asString()).isEqualTo("HTTP/2.0");
            assertThat(listed.get("protocol_type").asString()).isEqualTo("BidiStream");
            assertThat(names(listed.get("services"))).hasSize(3);
            JsonNode described = api.get("/deployments/" + id).body();
            assertThat(described.get("uri").asString()).isEqualTo(endpoint.uri());
            assertThat(described.get("services").get(0).get("ty").asString()).isEqualTo("VirtualObject");

            JsonNode counter = api.get("/services/DiscoveryCounter").body();
            assertThat(counter.get("protocol").asString()).isEqualTo("restate");
            assertThat(counter.get("deployment_id").asString()).isEqualTo(id);
            assertThat(counter.get("handlers").get(1).get("enable_lazy_state").asBoolean()).isTrue();
            JsonNode greeter = api.get("/v4/services/DiscoveryGreeter").body();
            assertThat(greeter.get("inactivity_timeout").asString()).isEqualTo("90s");
            assertThat(greeter.get("retry_policy").get("max_attempts").asInt()).isEqualTo(7);
            assertThat(names(api.get("/v4/services").body().get("services"))).hasSize(3);

            HandlerTarget lazyRead = ferry.bean(ServiceRegistry.class).findTarget("DiscoveryCounter", "get")
                    .orElseThrow();
            assertThat(lazyRead.protocol()).isEqualTo(ServiceProtocol.RESTATE);
            assertThat(lazyRead.endpoint()).hasToString(endpoint.uri());
            assertThat(lazyRead.restate().deploymentId()).isEqualTo(id);
            assertThat(lazyRead.restate().enableLazyState()).isTrue();
            assertThat(lazyRead.restate().useHttp11()).isFalse();
            assertThat(lazyRead.restate().minProtocolVersion()).isEqualTo(5);
            assertThat(lazyRead.restate().maxProtocolVersion()).isEqualTo(7);
            assertThat(ferry.bean(ServiceRegistry.class).findTarget("DiscoveryCounter", "add").orElseThrow()
                    .restate().enableLazyState()).isFalse();
            assertThat(ferry.bean(ServiceRegistry.class).findTarget("DiscoveryGreeter", "greet").orElseThrow()
                    .timeout()).hasSeconds(90);

            Reply again = api.post("/deployments", json("{'uri':'%s/','force':false}".formatted(endpoint.uri())));
            assertThat(again.status()).as(again.text()).isEqualTo(200);
            assertThat(again.body().get("id").asString()).isEqualTo(id);
            assertThat(api.delete("/services/DiscoveryGreeter").status()).isEqualTo(409);
            Reply patched = api.patch("/services/DiscoveryGreeter", json("{'timeout':'5s'}"));
            assertThat(patched.status()).as(patched.text()).isEqualTo(409);
            assertThat(patched.body().get("detail").asString()).contains("deployment " + id)
                    .contains("register the deployment again with force");
            assertThat(api.get("/services/DiscoveryGreeter").body().get("timeout").asString()).isNotEqualTo("5s");
        }
    }

    @Test
    void registersHttp11DeploymentsAskedForOrFoundByProbing() {
        try (SdkEndpoint endpoint = SdkEndpoint.start(SCRIPT, Transport.HTTP1)) {
            Reply asked = api.post("/deployments", json("{'uri':'%s','use_http_11':true}".formatted(endpoint.uri())));
            assertThat(asked.status()).as(asked.text()).isEqualTo(201);
            String id = asked.body().get("id").asString();
            assertThat(api.get("/deployments/" + id).body().get("http_version").asString()).isEqualTo("HTTP/1.1");
            assertThat(api.delete("/deployments/" + id).status()).isEqualTo(202);
            assertThat(api.get("/deployments/" + id).status()).isEqualTo(404);
            assertThat(api.get("/services/DiscoveryGreeter").status()).isEqualTo(404);

            Reply probed = api.post("/deployments", json("{'uri':'%s'}".formatted(endpoint.uri())));
            assertThat(probed.status()).as(probed.text()).isEqualTo(201);
            assertThat(api.get("/deployments/" + probed.body().get("id").asString()).body().get("http_version")
                    .asString()).isEqualTo("HTTP/1.1");
            assertThat(ferry.bean(ServiceRegistry.class).findTarget("DiscoveryGreeter", "greet").orElseThrow()
                    .restate().useHttp11()).isTrue();
        }
    }

    @Test
    void reRegistersWithForceInPlaceAndKeepsSubscriptions() {
        String id;
        int port;
        try (SdkEndpoint first = SdkEndpoint.start(SCRIPT, Transport.H2C)) {
            port = first.port();
            id = api.post("/deployments", json("{'uri':'%s'}".formatted(first.uri()))).body().get("id").asString();
        }
        api.post("/kafka-clusters", json("{'name':'deployments','properties':{'bootstrap.servers':'%s'}}"
                .formatted(TestInfrastructure.kafka().bootstrapServers())));
        Reply subscribed = api.post("/subscriptions", json(
                "{'source':'kafka://deployments/greetings','sink':'service://DiscoveryGreeter/greet'}"));
        assertThat(subscribed.status()).as(subscribed.text()).isEqualTo(201);
        String subscription = subscribed.body().get("id").asString();

        try (SdkEndpoint second = SdkEndpoint.startOn(port, SCRIPT, Transport.H2C, "v2")) {
            Reply refused = api.post("/deployments", json("{'uri':'%s','force':false}".formatted(second.uri())));
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.body().get("detail").asString()).contains(id, "force=true");
            assertThat(api.get("/services/DiscoveryGreeter").body().get("handlers")).hasSize(1);

            Reply forced = api.post("/deployments", json("{'uri':'%s','force':true}".formatted(second.uri())));
            assertThat(forced.status()).as(forced.text()).isEqualTo(200);
            assertThat(forced.body().get("id").asString()).isEqualTo(id);
            JsonNode greeter = api.get("/services/DiscoveryGreeter").body();
            assertThat(greeter.get("revision").asInt()).isEqualTo(2);
            assertThat(names(greeter.get("handlers"))).containsExactly("greet", "wave");
            assertThat(api.get("/subscriptions/" + subscription).status()).isEqualTo(200);

            Reply inUse = api.delete("/deployments/" + id);
            assertThat(inUse.status()).isEqualTo(409);
            assertThat(inUse.body().get("detail").asString()).contains(subscription, "force=true");
            assertThat(api.get("/services/DiscoveryGreeter").status()).isEqualTo(200);

            assertThat(api.delete("/deployments/" + id + "?force=true").status()).isEqualTo(202);
            assertThat(api.get("/subscriptions/" + subscription).status()).isEqualTo(404);
            assertThat(api.get("/services/DiscoveryGreeter").status()).isEqualTo(404);
        }
    }

    @Test
    void refusesWhatIsNotADeploymentOfAProtocolFerrySpeaks() throws IOException {
        refused(exchange -> answer(exchange, 200, "text/html", "<html><body>Hello</body></html>"),
                "content-type 'text/html'");
        refused(exchange -> answer(exchange, 404, "application/json", "{}"), "HTTP status 404");
        refused(exchange -> answer(exchange, 200, "application/vnd.restate.endpointmanifest.v3+json", "{not json"),
                "not valid JSON");
        refused(exchange -> answer(exchange, 200, "application/vnd.restate.endpointmanifest.v3+json",
                "{'minProtocolVersion':99,'maxProtocolVersion':99,'protocolMode':'REQUEST_RESPONSE','services':"
                        .replace('\'', '"')
                        + "[{\"name\":\"Future\",\"ty\":\"SERVICE\",\"handlers\":[{\"name\":\"h\"}]}]}"),
                "versions 99 to 99, and Ferry speaks 5 to 7");

        int closed = Ports.freePort();
        Reply unreachable = api.post("/deployments", json("{'uri':'http://127.0.0.1:%d'}".formatted(closed)));
        assertThat(unreachable.status()).isEqualTo(400);
        assertThat(unreachable.body().get("detail").asString()).contains("connection refused", "deployment is running");
        assertNothingStored();
    }

    @Test
    void refusesAServiceNameThatAPlainHttpServiceHolds() {
        assertThat(api.post("/services", json("{'name':'DiscoveryCounter','type':'VIRTUAL_OBJECT',"
                + "'endpoint':'http://127.0.0.1:9080','handlers':[{'name':'add'}]}")).status()).isEqualTo(201);
        try (SdkEndpoint endpoint = SdkEndpoint.start(SCRIPT, Transport.H2C)) {
            Reply clash = api.post("/deployments", json("{'uri':'%s'}".formatted(endpoint.uri())));

            assertThat(clash.status()).isEqualTo(409);
            assertThat(clash.body().get("detail").asString())
                    .contains("plain HTTP service", "DELETE /services/DiscoveryCounter");
            assertThat(api.get("/deployments").body().get("deployments")).isEmpty();
            assertThat(api.get("/services/DiscoveryGreeter").status()).isEqualTo(404);
            assertThat(api.get("/services/DiscoveryCounter").body().get("protocol").asString()).isEqualTo("http");
        } finally {
            api.delete("/services/DiscoveryCounter");
        }
    }

    private static void refused(Consumer<HttpExchange> handler, String expected) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> handler.accept(exchange));
        server.start();
        try {
            String uri = "http://127.0.0.1:" + server.getAddress().getPort();
            Reply reply = api.post("/deployments", json("{'uri':'%s'}".formatted(uri)));
            assertThat(reply.status()).as(reply.text()).isEqualTo(400);
            assertThat(reply.body().get("detail").asString()).contains(expected, "nothing was registered");
            assertNothingStored();
        } finally {
            server.stop(0);
        }
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(element -> names.add(element.get("name").asString()));
        return names;
    }

    private static void assertNothingStored() {
        assertThat(api.get("/deployments").body().get("deployments")).isEmpty();
        assertThat(api.get("/v4/services").body().get("services")).isEmpty();
        assertThat(api.get("/services/Future").status()).isEqualTo(404);
    }

    private static void answer(HttpExchange exchange, int status, String contentType, String body) {
        try (exchange) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("content-type", contentType);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
