package dev.ferry.subscription;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.Api.Reply;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.TestInfrastructure;

class SubscriptionApiIT {

    private static FerryInstance ferry;
    private static Api api;

    @BeforeAll
    static void start() {
        ferry = FerryInstance.start("subscription_api", Map.of());
        api = ferry.api();
        api.post("/kafka-clusters", json("{'name':'local','properties':{'bootstrap.servers':'%s'}}"
                .formatted(TestInfrastructure.kafka().bootstrapServers())));
        api.post("/services", json("{'name':'Account','type':'VIRTUAL_OBJECT','endpoint':'http://127.0.0.1:9',"
                + "'handlers':[{'name':'deposit'}]}"));
    }

    @AfterAll
    static void stop() {
        ferry.close();
    }

    @Test
    void createsASubscriptionWhoseGroupDefaultsToItsId() {
        Reply created = api.post("/subscriptions", json("""
                {'source':'kafka://local/orders','sink':'service://Account/deposit',
                 'options':{'auto.offset.reset':'earliest'}}"""));

        assertThat(created.status()).isEqualTo(201);
        String id = created.body().get("id").asString();
        assertThat(id).matches("sub_1[0-9a-zA-Z]{22}");
        assertThat(created.location()).endsWith("/subscriptions/" + id);
        assertThat(created.body().get("source").asString()).isEqualTo("kafka://local/orders");
        assertThat(created.body().get("sink").asString()).isEqualTo("service://Account/deposit");
        assertThat(created.body().get("options").get("group.id").asString()).isEqualTo(id);
        assertThat(created.body().get("options").get("auto.offset.reset").asString()).isEqualTo("earliest");

        assertThat(api.get("/subscriptions/" + id).body().get("id").asString()).isEqualTo(id);
        assertThat(api.get("/subscriptions?sink=service://Account/deposit").body().get("subscriptions")
                .findValuesAsString("id")).contains(id);
        assertThat(api.get("/subscriptions?source=kafka://local/other").body().get("subscriptions").isEmpty()).isTrue();

        assertThat(api.delete("/subscriptions/" + id).status()).isEqualTo(202);
        assertThat(api.get("/subscriptions/" + id).status()).isEqualTo(404);
        assertThat(api.delete("/subscriptions/" + id).status()).isEqualTo(404);
    }

    @Test
    void keepsAGroupIdTheUserChose() {
        Reply created = api.post("/subscriptions", json("""
                {'source':'kafka://local/orders','sink':'service://Account/deposit','options':{'group.id':'mine'}}"""));

        assertThat(created.body().get("options").get("group.id").asString()).isEqualTo("mine");
    }

    @Test
    void explainsWhatIsWrongWithASubscription() {
        assertThat(problem("{'source':'kafka://nowhere/orders','sink':'service://Account/deposit'}"))
                .contains("Kafka cluster 'nowhere' does not exist");
        assertThat(problem("{'source':'kafka://local/orders','sink':'service://Nobody/deposit'}"))
                .contains("Service 'Nobody' is not registered");
        assertThat(problem("{'source':'kafka://local/orders','sink':'service://Account/withdraw'}"))
                .contains("has no handler 'withdraw'");
        assertThat(problem("{'source':'local/orders','sink':'service://Account/deposit'}"))
                .contains("kafka://CLUSTER/TOPIC");
        assertThat(problem("{'source':'kafka://local/orders','sink':'Account/deposit'}"))
                .contains("service://SERVICE/HANDLER");
        assertThat(problem("{'source':'kafka://local/orders','sink':'service://Account/deposit','options':{'auto.offset.reset':'oldest'}}"))
                .contains("auto.offset.reset");
        assertThat(problem("{'source':'kafka://local/orders','sink':'service://Account/deposit','options':{'enable.auto.commit':'true'}}"))
                .contains("managed by Ferry");
    }

    private static String problem(String body) {
        int before = api.get("/subscriptions").body().get("subscriptions").size();
        Reply reply = api.post("/subscriptions", json(body));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(api.get("/subscriptions").body().get("subscriptions").size()).isEqualTo(before);
        return reply.body().get("detail").asString();
    }
}
