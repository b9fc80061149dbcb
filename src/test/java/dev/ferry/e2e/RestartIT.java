package dev.ferry.e2e;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.HandlerServer.Received;
import dev.ferry.testsupport.Records;
import dev.ferry.testsupport.TestInfrastructure;

/** Subscriptions outlive Ferry: after a restart they consume again from the committed offsets. */
class RestartIT {

    @Test
    void resumesSubscriptionsFromCommittedOffsetsAfterARestart() {
        String brokers = TestInfrastructure.kafka().bootstrapServers();
        try (HandlerServer handler = HandlerServer.start(); Records records = new Records(brokers)) {
            String database;
            String subscription;
            try (FerryInstance first = FerryInstance.start("restart", Map.of())) {
                database = first.databaseUrl();
                first.api().post("/kafka-clusters", json("{'name':'local','properties':{'bootstrap.servers':'%s'}}"
                        .formatted(brokers)));
                first.api().post("/services",
                        json("{'name':'Audit','type':'SERVICE','endpoint':'%s','handlers':[{'name':'log'}]}"
                        .formatted(handler.endpoint())));
                subscription = first.api().post("/subscriptions", json("{'source':'kafka://local/audit',"
                        + "'sink':'service://Audit/log','options':{'auto.offset.reset':'earliest'}}"))
                        .body().get("id").asString();
                for (int i = 0; i < 20; i++) {
                    records.send("audit", null, "{\"before\":" + i + "}");
                }
                records.flush();
                await().atMost(Duration.ofSeconds(60)).until(() -> handler.received().size() >= 20);
                await().atMost(Duration.ofSeconds(30)).until(() -> first.api()
                        .get("/invocations?status=completed&limit=1000").body().get("invocations").size() == 20);
            }

            for (int i = 0; i < 20; i++) {
                records.send("audit", null, "{\"after\":" + i + "}");
            }
            records.flush();

            try (FerryInstance second = FerryInstance.startOn(database, Map.of())) {
                assertThat(second.api().get("/subscriptions/" + subscription).status()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(60)).until(() -> handler.received().size() >= 40);
                await().atMost(Duration.ofSeconds(30)).until(() -> second.api()
                        .get("/invocations?status=completed&limit=1000").body().get("invocations").size() == 40);

                Set<String> bodies = handler.received().stream().map(Received::bodyText).collect(Collectors.toSet());
                assertThat(handler.received()).hasSize(40);
                assertThat(bodies).hasSize(40).contains("{\"before\":0}", "{\"after\":19}");
                assertThat(second.api().get("/invocations?limit=1000").body().get("invocations").size()).isEqualTo(40);
            }
        }
    }
}
