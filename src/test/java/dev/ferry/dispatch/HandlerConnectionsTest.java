package dev.ferry.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.ferry.invocation.ClaimedInvocation;
import dev.ferry.service.HandlerTarget;
import dev.ferry.service.HandlerType;
import dev.ferry.service.InputFormat;
import dev.ferry.service.RetrySettings;
import dev.ferry.service.ServiceType;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.HandlerServer.Response;
import dev.ferry.testsupport.Ports;

/** The connection pool of plain HTTP calls: bounded per endpoint, metered, and every way a call gets no answer. */
class HandlerConnectionsTest {

    private final HandlerServer handler = HandlerServer.start();
    private final CountDownLatch release = new CountDownLatch(1);
    private HandlerClient client;

    @AfterEach
    void stop() {
        release.countDown();
        if (client != null) {
            client.close();
        }
        handler.close();
    }

    @Test
    void holdsConnectionsPerEndpointToTheLimitQueuesWhatWaitsAndRefusesCallsBeyondTheQueue() throws Exception {
        client = new HandlerClient(new HandlerHttpProperties(2, 1, Duration.ofSeconds(30)), Duration.ofSeconds(2),
                1024, Clock.systemUTC(), null);
        MeterRegistry registry = new SimpleMeterRegistry();
        new HandlerConnectionMetrics(client.http()).bindTo(registry);
        handler.respondWith(request -> {
            awaitRelease();
            return Response.ok("{}");
        });

        CompletableFuture<CallResult> first = call(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(30)).until(() -> handler.received().size() == 1);
        CompletableFuture<CallResult> second = call(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(30)).until(() -> handler.received().size() == 2);
        CompletableFuture<CallResult> queued = call(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(30)).until(() -> gauge(registry, "ferry.handler.http.queued") == 1);

        assertThat(call(Duration.ofSeconds(30)).get(10, TimeUnit.SECONDS))
                .isInstanceOfSatisfying(CallResult.Retryable.class, refused -> {
                    assertThat(refused.kind()).isEqualTo(CallFailure.CONNECTION);
                    assertThat(refused.failure()).contains("ferry.dispatch.http.max-queued-per-endpoint");
                });
        assertThat(connections(registry, "active")).isEqualTo(2);
        assertThat(gauge(registry, "ferry.handler.http.connections.busiest")).isEqualTo(2);
        assertThat(gauge(registry, "ferry.handler.http.connections.limit")).isEqualTo(2);
        assertThat(gauge(registry, "ferry.handler.http.endpoints")).isEqualTo(1);
        assertThat(handler.received()).hasSize(2);

        release.countDown();
        for (CompletableFuture<CallResult> call : List.of(first, second, queued)) {
            assertThat(call.get(30, TimeUnit.SECONDS)).isInstanceOf(CallResult.Success.class);
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(connections(registry, "active")).isZero();
            assertThat(connections(registry, "idle")).isEqualTo(2);
            assertThat(gauge(registry, "ferry.handler.http.queued")).isZero();
        });
    }

    @Test
    void endsACallWithinItsTimeoutWhenTheHandlerAnswersNothing() throws Exception {
        client = defaultClient();
        handler.respondWith(request -> {
            awaitRelease();
            return Response.ok("{}");
        });

        assertThat(call(Duration.ofMillis(300)).get(10, TimeUnit.SECONDS))
                .isInstanceOfSatisfying(CallResult.Retryable.class, late -> {
                    assertThat(late.kind()).isEqualTo(CallFailure.TIMEOUT);
                    assertThat(late.failure()).isEqualTo("timeout: no response within 300ms");
                });
    }

    @Test
    void endsACallWithinItsTimeoutAfterAnInterimStatusOfNoKnownMeaning() throws Exception {
        client = defaultClient();
        handler.respondWith(request -> Response.status(150));

        assertThat(call(Duration.ofMillis(300)).get(10, TimeUnit.SECONDS))
                .isInstanceOfSatisfying(CallResult.Retryable.class,
                        late -> assertThat(late.kind()).isEqualTo(CallFailure.TIMEOUT));
    }

    @Test
    void reportsARefusedConnectionAsAConnectionFailure() throws Exception {
        client = defaultClient();
        int closed = Ports.freePort();

        assertThat(call(URI.create("http://127.0.0.1:" + closed), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS))
                .isInstanceOfSatisfying(CallResult.Retryable.class, refused -> {
                    assertThat(refused.kind()).isEqualTo(CallFailure.CONNECTION);
                    assertThat(refused.failure()).startsWith("I/O error: ConnectException");
                });
    }

    @Test
    void sendsTheInputWithItsContentTypeAndAnEmptyInputWithNone() throws Exception {
        client = defaultClient();

        assertThat(call(Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS)).isInstanceOf(CallResult.Success.class);
        ClaimedInvocation empty = new ClaimedInvocation("inv-2", "Account", "deposit", "k", true, new byte[0],
                List.of(), null, 3);
        assertThat(client.call(target(URI.create(handler.endpoint())), empty, Duration.ofSeconds(5))
                .get(10, TimeUnit.SECONDS)).isInstanceOf(CallResult.Success.class);

        HandlerServer.Received withInput = handler.received().get(0);
        assertThat(withInput.method()).isEqualTo("POST");
        assertThat(withInput.path()).isEqualTo("/Account/k/deposit");
        assertThat(withInput.bodyText()).isEqualTo("{\"n\":1}");
        assertThat(withInput.headers()).containsEntry("content-type", "application/json")
                .containsEntry("idempotency-key", "inv-1").containsEntry("x-ferry-attempt", "1")
                .doesNotContainKey("accept-encoding");
        HandlerServer.Received withoutInput = handler.received().get(1);
        assertThat(withoutInput.body()).isEmpty();
        assertThat(withoutInput.headers()).doesNotContainKey("content-type")
                .containsEntry("x-ferry-invocation-id", "inv-2").containsEntry("x-ferry-attempt", "3");
    }

    private HandlerClient defaultClient() {
        return new HandlerClient(Duration.ofSeconds(2), 1024, Clock.systemUTC(), null);
    }

    private CompletableFuture<CallResult> call(Duration timeout) {
        return call(URI.create(handler.endpoint()), timeout);
    }

    private CompletableFuture<CallResult> call(URI endpoint, Duration timeout) {
        ClaimedInvocation invocation = new ClaimedInvocation("inv-1", "Account", "deposit", "k", true,
                "{\"n\":1}".getBytes(), List.of(), null, 1);
        return client.call(target(endpoint), invocation, timeout);
    }

    private static HandlerTarget target(URI endpoint) {
        return new HandlerTarget("Account", "deposit", ServiceType.VIRTUAL_OBJECT, HandlerType.EXCLUSIVE, endpoint,
                InputFormat.JSON, null, RetrySettings.inherit());
    }

    private void awaitRelease() {
        try {
            release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static double gauge(MeterRegistry registry, String name) {
        return registry.get(name).gauge().value();
    }

    private static double connections(MeterRegistry registry, String state) {
        return registry.get("ferry.handler.http.connections").tag("state", state).gauge().value();
    }
}
