package dev.ferry.cluster;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.Records;

/**
 * The path a user takes with a secured cluster: register it through the API with librdkafka-style properties,
 * register a service and subscribe it, produce a record with the same security settings, and see the
 * handler receive it. Also waits on the connection state Ferry reports.
 */
final class SecuredRoundTrip {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private SecuredRoundTrip() {
    }

    static String body(Map<String, String> properties) {
        return JSON.writeValueAsString(properties);
    }

    static Api.Reply createCluster(Api api, String name, Map<String, String> properties) {
        Api.Reply created = api.post("/kafka-clusters", "{\"name\":\"%s\",\"properties\":%s}".formatted(name,
                body(properties)));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created;
    }

    /** Waits until Ferry reports the cluster in the given state, and returns its connection. */
    static JsonNode awaitConnection(Api api, String cluster, String state) {
        return await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/kafka-clusters/" + cluster).body()
                .path("connection"), connection -> state.equals(connection.path("state").asString("")));
    }

    /** Registers the cluster, subscribes a handler to the topic, produces one record and waits for the call. */
    static void assertDelivers(Api api, String cluster, Map<String, String> properties, String topic) {
        createCluster(api, cluster, properties);
        JsonNode connection = awaitConnection(api, cluster, "connected");
        assertThat(connection.path("checked_at").isMissingNode()).isFalse();
        try (HandlerServer handler = HandlerServer.start()) {
            String service = "Svc" + cluster.replaceAll("[^A-Za-z0-9]", "");
            assertThat(api.post("/services",
                    json("{'name':'%s','type':'SERVICE','endpoint':'%s','handlers':[{'name':'handle'}]}"
                    .formatted(service, handler.endpoint()))).status()).isEqualTo(201);
            assertThat(api.post("/subscriptions",
                    json(("{'source':'kafka://%s/%s','sink':'service://%s/handle',"
                            + "'options':{'auto.offset.reset':'earliest'}}").formatted(cluster, topic, service)))
                    .status()).isEqualTo(201);

            Map<String, Object> producer = ClientPropertyTranslator.toJavaClient(properties);
            OAuthEndpoints.allow(producer);
            try (Records records = new Records(producer)) {
                records.sendAndWait(new ProducerRecord<>(topic,
                        Records.bytes("k"), Records.bytes("{\"via\":\"" + cluster + "\"}")));
            }

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(handler.received())
                    .anySatisfy(received -> {
                        assertThat(received.path()).isEqualTo("/" + service + "/handle");
                        assertThat(received.bodyText()).isEqualTo("{\"via\":\"" + cluster + "\"}");
                    }));
        }
    }

    /** The health component of the clusters, as a user with access to health details sees it. */
    static JsonNode clustersHealth(Api api) {
        Api.Reply health = api.get("/actuator/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body().path("status").asString()).isEqualTo("UP");
        return health.body().path("components").path("kafkaClusters");
    }
}
