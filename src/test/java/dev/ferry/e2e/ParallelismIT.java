package dev.ferry.e2e;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.HandlerServer.Received;
import dev.ferry.testsupport.HandlerServer.Response;
import dev.ferry.testsupport.InvocationTable;
import dev.ferry.testsupport.Records;
import dev.ferry.testsupport.TestInfrastructure;

/** A plain service handler runs many records at once: a slow handler is not called one record at a time. */
class ParallelismIT {

    private static final int RECORDS = 200;

    @Test
    void callsASlowServiceHandlerManyTimesAtOnce() {
        String brokers = TestInfrastructure.kafka().bootstrapServers();
        AtomicInteger active = new AtomicInteger();
        AtomicInteger maxActive = new AtomicInteger();
        try (FerryInstance ferry = FerryInstance.start("parallelism", Map.of());
             HandlerServer handler = HandlerServer.start();
             Records records = new Records(brokers)) {
            handler.respondWith(request -> {
                maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
                active.decrementAndGet();
                return Response.ok("{}");
            });
            // produced before subscribing, so the first poll finds them all
            for (int i = 0; i < RECORDS; i++) {
                records.send("parallel", "k" + i, "{\"n\":" + i + "}");
            }
            records.flush();
            Api api = ferry.api();
            api.post("/kafka-clusters", json("{'name':'local','properties':{'bootstrap.servers':'%s'}}"
                    .formatted(brokers)));
            api.post("/services",
                    json("{'name':'Thumbnails','type':'SERVICE','endpoint':'%s','handlers':[{'name':'render'}]}"
                    .formatted(handler.endpoint())));
            long started = System.nanoTime();
            api.post("/subscriptions", json("""
                    {'source':'kafka://local/parallel','sink':'service://Thumbnails/render',
                     'options':{'auto.offset.reset':'earliest'}}"""));

            InvocationTable invocations = new InvocationTable(ferry.databaseUrl());
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> invocations.count("status = 'completed' and completion = 'success'") == RECORDS);
            System.out.printf("ParallelismIT: %d calls of 200 ms, at most %d in flight at once, %d ms%n",
                    handler.received().size(), maxActive.get(),
                    Duration.ofNanos(System.nanoTime() - started).toMillis());

            assertThat(maxActive.get()).as("calls in flight at once").isGreaterThanOrEqualTo(50);
            assertThat(handler.received()).hasSize(RECORDS);
            assertThat(handler.received().stream().map(Received::bodyText).distinct()).hasSize(RECORDS);
        }
    }
}
