package dev.ferry.e2e;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.HandlerServer.Received;
import dev.ferry.testsupport.HandlerServer.Response;
import dev.ferry.testsupport.InvocationTable;
import dev.ferry.testsupport.Records;
import dev.ferry.testsupport.TestInfrastructure;

/**
 * What a subscription's lifecycle does to delivery: deleting it stops consuming but lets every invocation
 * already enqueued run; pausing it holds back new records, and resuming delivers them once.
 */
class SubscriptionLifecycleIT {

    private static FerryInstance ferry;
    private static Api api;
    private static Records records;
    private static Admin admin;
    private static InvocationTable invocations;

    @BeforeAll
    static void start() {
        String brokers = TestInfrastructure.kafka().bootstrapServers();
        // few calls at once, so that a slow handler leaves most invocations waiting in the table
        ferry = FerryInstance.start("subscription_lifecycle", Map.of("ferry.dispatch.max-in-flight", "16"));
        api = ferry.api();
        records = new Records(brokers);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers));
        invocations = new InvocationTable(ferry.databaseUrl());
        api.post("/kafka-clusters",
                json("{'name':'local','properties':{'bootstrap.servers':'%s'}}".formatted(brokers)));
    }

    @AfterAll
    static void stop() {
        admin.close();
        records.close();
        ferry.close();
    }

    @Test
    void runsEveryEnqueuedInvocationAfterItsSubscriptionIsDeleted() {
        int count = 300;
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger waiting = new AtomicInteger();
        try (HandlerServer handler = HandlerServer.start()) {
            handler.respondWith(request -> {
                waiting.incrementAndGet();
                try {
                    gate.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                return Response.ok("{}");
            });
            String subscription = subscribe(handler, "Shipping", "shipments");
            for (int i = 0; i < count; i++) {
                records.send("shipments", "s" + i, "{\"shipment\":" + i + "}");
            }
            records.flush();
            await().atMost(Duration.ofSeconds(60)).until(() -> invocations.count(of(subscription)) == count
                    && waiting.get() > 0);

            assertThat(api.delete("/subscriptions/" + subscription).status()).isEqualTo(202);
            assertThat(api.get("/subscriptions/" + subscription).status()).isEqualTo(404);
            awaitNoConsumers(subscription);
            for (int i = count; i < count + 20; i++) {
                records.send("shipments", "s" + i, "{\"shipment\":" + i + "}");
            }
            records.flush();
            gate.countDown();

            await().atMost(Duration.ofSeconds(60)).until(() -> invocations.count(of(subscription)
                    + " and status = 'completed' and completion = 'success'") == count);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> invocations.count(of(subscription)) == count && handler.received().size() == count);
            assertThat(handler.received().stream().map(request -> request.header("idempotency-key")).distinct())
                    .hasSize(count);
        }
    }

    @Test
    void deliversNothingWhilePausedAndEverythingOnceAfterResuming() {
        try (HandlerServer handler = HandlerServer.start()) {
            String subscription = subscribe(handler, "Billing", "charges");
            sendCharges(0, 10);
            await().atMost(Duration.ofSeconds(60)).until(() -> handler.received().size() == 10);

            Api.Reply paused = api.post("/subscriptions/" + subscription + "/pause", "");
            assertThat(paused.status()).as(paused.text()).isEqualTo(200);
            assertThat(paused.body().get("state").asString()).isEqualToIgnoringCase("paused");
            awaitNoConsumers(subscription);
            sendCharges(10, 30);
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> handler.received().size() == 10 && invocations.count(of(subscription)) == 10);

            Api.Reply resumed = api.post("/subscriptions/" + subscription + "/resume", "");
            assertThat(resumed.status()).as(resumed.text()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(60)).until(() -> handler.received().size() >= 30
                    && invocations.count(of(subscription) + " and status = 'completed'") == 30);
            List<String> bodies = handler.received().stream().map(Received::bodyText).toList();
            assertThat(bodies).hasSize(30).doesNotHaveDuplicates().contains("{\"charge\":10}", "{\"charge\":29}");
            assertThat(invocations.count(of(subscription))).isEqualTo(30);
        }
    }

    private static String subscribe(HandlerServer handler, String service, String topic) {
        api.post("/services", json("{'name':'%s','type':'SERVICE','endpoint':'%s','handlers':[{'name':'handle'}]}"
                .formatted(service, handler.endpoint())));
        Api.Reply reply = api.post("/subscriptions", json("""
                {'source':'kafka://local/%s','sink':'service://%s/handle','options':{'auto.offset.reset':'earliest'}}"""
                .formatted(topic, service)));
        assertThat(reply.status()).as(reply.text()).isEqualTo(201);
        return reply.body().get("id").asString();
    }

    private static void sendCharges(int from, int to) {
        for (int i = from; i < to; i++) {
            records.send("charges", "c" + i, "{\"charge\":" + i + "}");
        }
        records.flush();
    }

    private static String of(String subscription) {
        return "subscription_id = '" + subscription + "'";
    }

    /** Waits until the subscription's consumer group (its id by default) has no member left. */
    private static void awaitNoConsumers(String groupId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> group(groupId).members().isEmpty());
    }

    private static ConsumerGroupDescription group(String groupId) throws InterruptedException, ExecutionException {
        return admin.describeConsumerGroups(List.of(groupId)).describedGroups().get(groupId).get();
    }
}
