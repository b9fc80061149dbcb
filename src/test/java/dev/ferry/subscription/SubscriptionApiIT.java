package dev.ferry.subscription;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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
        assertThat(problem("{'source':'kafka://local/orders','sink':'service://Account/deposit',"
                + "'options':{'auto.offset.reset':'oldest'}}"))
                .contains("auto.offset.reset");
        assertThat(problem("{'source':'kafka://local/orders','sink':'service://Account/deposit',"
                + "'options':{'enable.auto.commit':'true'}}"))
                .contains("managed by Ferry");
    }

    static Stream<Arguments> subscriptionsThatCannotWork() {
        return Stream.of(
                arguments("kafka://local/__consumer_offsets", "{}", "'__consumer_offsets' is internal to Kafka"),
                arguments("kafka://local/__transaction_state", "{}", "'__transaction_state' is internal to Kafka"),
                arguments("kafka://local/orders", "{'dead-letter.topic':'__consumer_offsets'}", "internal to Kafka"),
                arguments("kafka://local/orders", "{'group.id':''}", "leave group.id out"),
                arguments("kafka://local/orders", "{'group.id':'%s'}".formatted("g".repeat(300)), "at most 255"),
                arguments("kafka://local/orders", "{'group.id':'%s'}".formatted("g".repeat(5000)), "at most 4096"),
                arguments("kafka://local/orders", "{'max.poll.records':'0'}", "max.poll.records"),
                arguments("kafka://local/orders", "{'fetch.max.wait.ms':'-1'}", "fetch.max.wait.ms"),
                arguments("kafka://local/orders", "{'interceptor.classes':'java.lang.String'}",
                        "ferry.cluster.allowed-classes"),
                arguments("kafka://local/orders", "{'partition.assignment.strategy':'com.example.Mine'}",
                        "'com.example.Mine'"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("subscriptionsThatCannotWork")
    void refusesASubscriptionWhoseConsumerCouldNotWorkAndSaysWhy(String source, String options, String detail) {
        int before = api.get("/subscriptions").body().get("subscriptions").size();

        Reply refused = api.post("/subscriptions",
                json("{'source':'%s','sink':'service://Account/deposit','options':%s}"
                .formatted(source, options)));

        assertThat(refused.status()).as(refused.text()).isEqualTo(400);
        assertThat(refused.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(refused.body().get("detail").asString()).contains(detail);
        assertThat(api.get("/subscriptions").body().get("subscriptions").size()).isEqualTo(before);
    }

    @Test
    void refusesAConsumerGroupAnotherSubscriptionUses() {
        String byDefault = api.post("/subscriptions",
                json("{'source':'kafka://local/orders','sink':'service://Account/deposit'}"))
                .body().get("id").asString();
        String chosen = api.post("/subscriptions", json("""
                {'source':'kafka://local/payments','sink':'service://Account/deposit',\
                'options':{'group.id':'billing'}}"""))
                .body().get("id").asString();

        for (var taken : Map.of(byDefault, byDefault, "billing", chosen).entrySet()) {
            Reply refused = api.post("/subscriptions", json("""
                    {'source':'kafka://local/orders','sink':'service://Account/deposit','options':{'group.id':'%s'}}"""
                    .formatted(taken.getKey())));

            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.headers().firstValue("content-type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(refused.body().get("detail").asString()).contains("'" + taken.getKey() + "'")
                    .contains(taken.getValue()).contains("Leave 'group.id' out");
            assertThat(refused.body().get("subscription").asString()).isEqualTo(taken.getValue());
        }
        api.delete("/subscriptions/" + chosen);
        assertThat(api.post("/subscriptions", json("""
                {'source':'kafka://local/orders','sink':'service://Account/deposit',\
                'options':{'group.id':'billing'}}"""))
                .status()).isEqualTo(201);
    }

    private static String problem(String body) {
        int before = api.get("/subscriptions").body().get("subscriptions").size();
        Reply reply = api.post("/subscriptions", json(body));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(api.get("/subscriptions").body().get("subscriptions").size()).isEqualTo(before);
        return reply.body().get("detail").asString();
    }
}
