package dev.ferry.service;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.Api.Reply;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.HandlerServer.Received;
import dev.ferry.testsupport.Records;
import dev.ferry.testsupport.TestInfrastructure;

/**
 * {@code PATCH /services/{name}}: a service changes in place while its subscription keeps consuming from where it
 * was, a handler in use is not removed, and {@code If-Match} catches a change made in between.
 */
class ServiceUpdateIT {

    private static FerryInstance ferry;
    private static Api api;
    private static Records records;
    private static Admin admin;

    @BeforeAll
    static void start() {
        String brokers = TestInfrastructure.kafka().bootstrapServers();
        ferry = FerryInstance.start("service_update", Map.of());
        api = ferry.api();
        records = new Records(brokers);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers));
        api.post("/kafka-clusters", json("{'name':'local','properties':{'bootstrap.servers':'%s'}}"
                .formatted(brokers)));
    }

    @AfterAll
    static void stop() {
        admin.close();
        records.close();
        ferry.close();
    }

    @Test
    void movesAServiceToANewEndpointWhileItsSubscriptionKeepsConsuming() throws Exception {
        try (HandlerServer before = HandlerServer.start(); HandlerServer after = HandlerServer.start()) {
            register("Orders", before.endpoint(), "{'name':'place'},{'name':'audit'}");
            String id = subscribe("Orders", "place", "orders-moved");
            send("orders-moved", 0, 3);
            await().atMost(Duration.ofSeconds(60)).until(() -> before.received().size() == 3);
            await().atMost(Duration.ofSeconds(30)).until(() -> committed(id) == 3);

            Reply changed = api.patch("/services/Orders", json("""
                    {'endpoint':'%s','timeout':'7s','retry_policy':{'initial_interval':'20ms','max_attempts':4},
                     'handlers':[{'name':'place','input':'raw'},{'name':'refund'}],'remove_handlers':['audit']}"""
                    .formatted(after.endpoint())));

            assertThat(changed.status()).as(changed.text()).isEqualTo(200);
            assertThat(changed.body().get("endpoint").asString()).isEqualTo(after.endpoint());
            assertThat(changed.body().get("timeout").asString()).isEqualTo("7s");
            assertThat(changed.body().get("retry_policy").get("max_attempts").asInt()).isEqualTo(4);
            assertThat(changed.body().get("handlers").findValuesAsString("name")).containsExactly("place", "refund");
            assertThat(changed.body().get("handlers").get(0).get("input").asString()).isEqualTo("raw");
            send("orders-moved", 3, 6);
            await().atMost(Duration.ofSeconds(60)).until(() -> after.received().size() == 3);
            await().atMost(Duration.ofSeconds(30)).until(() -> committed(id) == 6);
            assertThat(after.received().stream().map(Received::bodyText))
                    .containsExactlyInAnyOrder("{\"n\":3}", "{\"n\":4}", "{\"n\":5}");
            // the same subscription, the same consumer group, nothing delivered twice
            assertThat(before.received()).hasSize(3);
            assertThat(api.get("/subscriptions/" + id).status()).isEqualTo(200);
            assertThat(api.get("/subscriptions").body().get("subscriptions").findValuesAsString("id"))
                    .containsOnlyOnce(id);
        }
    }

    @Test
    void refusesToRemoveAHandlerThatASubscriptionUses() {
        register("Billing", "http://127.0.0.1:9", "{'name':'charge'},{'name':'spare'}");
        String id = subscribe("Billing", "charge", "billing-used");

        Reply refused = api.patch("/services/Billing", json("{'remove_handlers':['charge','spare']}"));

        assertThat(refused.status()).as(refused.text()).isEqualTo(409);
        assertThat(refused.body().get("detail").asString()).contains("charge").contains(id)
                .contains("Delete those subscriptions first");
        assertThat(api.get("/services/Billing").body().get("handlers").findValuesAsString("name"))
                .containsExactly("charge", "spare");
        Reply removed = api.patch("/services/Billing", json("{'remove_handlers':['spare']}"));
        assertThat(removed.status()).as(removed.text()).isEqualTo(200);
        assertThat(removed.body().get("handlers").findValuesAsString("name")).containsExactly("charge");
    }

    @Test
    void explainsWhatCannotChange() {
        register("Fixed", "http://127.0.0.1:9", "{'name':'h'}");

        assertThat(badRequest("{'type':'VIRTUAL_OBJECT'}")).contains("type cannot change");
        assertThat(badRequest("{'name':'Other'}")).contains("cannot be renamed");
        assertThat(badRequest("{'remove_handlers':['nope']}")).contains("no handler 'nope'");
        assertThat(badRequest("{'remove_handlers':['h']}")).contains("at least one handler");
        assertThat(badRequest("{'endpoint':'ftp://x'}")).contains("http:// or https://");
        assertThat(badRequest("{'handlers':[{'name':'h','type':'EXCLUSIVE'}]}")).contains("take no type");
        assertThat(api.patch("/services/Missing", "{}").status()).isEqualTo(404);
        assertThat(api.get("/services/Fixed").body().get("endpoint").asString()).isEqualTo("http://127.0.0.1:9");
    }

    @Test
    void refusesAChangeOfAServiceOrClusterThatChangedSinceItWasRead() {
        register("Tagged", "http://127.0.0.1:9", "{'name':'h'}");
        String read = api.get("/services/Tagged").etag();
        assertThat(read).matches("\"\\d+\"");

        Reply first = api.patch("/services/Tagged", json("{'timeout':'5s'}"), read);
        assertThat(first.status()).as(first.text()).isEqualTo(200);
        assertThat(first.etag()).isNotEqualTo(read).isEqualTo(api.get("/services/Tagged").etag());
        Reply stale = api.patch("/services/Tagged", json("{'timeout':'9s'}"), read);
        assertThat(stale.status()).as(stale.text()).isEqualTo(412);
        assertThat(stale.body().get("detail").asString()).contains("changed since you read it")
                .contains(first.etag());
        assertThat(api.get("/services/Tagged").body().get("timeout").asString()).isEqualTo("5s");
        assertThat(api.delete("/services/Tagged", read).status()).isEqualTo(412);
        assertThat(api.delete("/services/Tagged", first.etag()).status()).isEqualTo(204);

        api.post("/kafka-clusters", json("{'name':'tagged','properties':{'bootstrap.servers':'127.0.0.1:9'}}"));
        String cluster = api.get("/kafka-clusters/tagged").etag();
        Reply merged = api.patch("/kafka-clusters/tagged?merge=true",
                json("{'properties':{'client.id':'a'}}"), cluster);
        assertThat(merged.status()).as(merged.text()).isEqualTo(200);
        assertThat(merged.etag()).isNotEqualTo(cluster);
        assertThat(api.patch("/kafka-clusters/tagged", json("{'properties':{'bootstrap.servers':'127.0.0.1:8'}}"),
                cluster).status()).isEqualTo(412);
        assertThat(api.delete("/kafka-clusters/tagged", cluster).status()).isEqualTo(412);
        assertThat(api.patch("/kafka-clusters/tagged?merge=true", json("{'properties':{'client.id':'b'}}"), "*")
                .status()).isEqualTo(200);
    }

    private static String badRequest(String change) {
        Reply reply = api.patch("/services/Fixed", json(change));
        assertThat(reply.status()).as(reply.text()).isEqualTo(400);
        return reply.body().get("detail").asString();
    }

    private static void register(String name, String endpoint, String handlers) {
        Reply reply = api.post("/services", json("{'name':'%s','type':'SERVICE','endpoint':'%s','handlers':[%s]}"
                .formatted(name, endpoint, handlers)));
        assertThat(reply.status()).as(reply.text()).isEqualTo(201);
    }

    private static String subscribe(String service, String handler, String topic) {
        Reply reply = api.post("/subscriptions", json("""
                {'source':'kafka://local/%s','sink':'service://%s/%s','options':{'auto.offset.reset':'earliest'}}"""
                .formatted(topic, service, handler)));
        assertThat(reply.status()).as(reply.text()).isEqualTo(201);
        return reply.body().get("id").asString();
    }

    private static void send(String topic, int from, int to) {
        for (int i = from; i < to; i++) {
            records.send(topic, "k" + i, "{\"n\":" + i + "}");
        }
        records.flush();
    }

    /** The offsets the subscription's consumer group (its id) committed, summed over partitions. */
    private static long committed(String groupId) throws Exception {
        Map<?, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata()
                .get();
        return offsets.values().stream().filter(Objects::nonNull).mapToLong(OffsetAndMetadata::offset)
                .sum();
    }
}
