package dev.ferry.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import com.sun.management.ThreadMXBean;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.ferry.invocation.ClaimedInvocation;
import dev.ferry.invocation.Outcome;
import dev.ferry.service.HandlerTarget;
import dev.ferry.service.HandlerType;
import dev.ferry.service.InputFormat;
import dev.ferry.service.RetrySettings;
import dev.ferry.service.RetrySettings.OnMaxAttempts;
import dev.ferry.service.ServiceType;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.HandlerServer.Response;

/** Calls a real HTTP handler on 127.0.0.1 and checks what becomes of every kind of answer. */
class HandlerClientTest {

    private static final int RESULT_LIMIT = 64 * 1024;
    private static final RetryPolicy POLICY = new RetryPolicy(Duration.ofMillis(100), 2.0, Duration.ofSeconds(30), 0,
            OnMaxAttempts.PAUSE);

    /** Shared by the jqwik and the JUnit Jupiter engine, which both run this class; gone with the test JVM. */
    private static final HandlerServer handler = HandlerServer.start();
    private static final HandlerClient client = new HandlerClient(Duration.ofSeconds(2), RESULT_LIMIT,
            Clock.systemUTC(), null);

    record Answer(int status, String retryAfter, long bodyBytes) {
    }

    @Property(tries = 200)
    void everyAnswerBecomesAnOutcomeWithinTheMaxIntervalAndNoResultExceedsTheLimit(@ForAll("answers") Answer answer)
            throws Exception {
        handler.respondWith(request -> Response.sized(answer.status(), answer.bodyBytes(),
                answer.retryAfter() == null ? Map.of() : Map.of("retry-after", answer.retryAfter())));

        CallResult result = client.call(target(), invocation("k"), Duration.ofMillis(500)).get(10, TimeUnit.SECONDS);
        Instant now = Instant.now();
        OutcomePolicy.Decision decision = new OutcomePolicy(new Random(7)).decide(invocation("k"), POLICY, result, now);

        int status = answer.status();
        switch (result) {
            case CallResult.Success success -> {
                assertThat(status).isBetween(200, 299);
                assertThat(success.body()).hasSizeLessThanOrEqualTo(RESULT_LIMIT);
                long sent = status == 204 ? 0 : answer.bodyBytes();
                assertThat((long) success.body().length).isEqualTo(Math.min(sent, RESULT_LIMIT));
            }
            case CallResult.Terminal terminal -> assertThat(terminal.failure()).hasSizeLessThan(400);
            case CallResult.Retryable retryable -> {
                assertThat(retryable.failure()).hasSizeLessThan(400);
                assertThat(((Outcome.Retrying) decision.outcome()).nextAttemptAt())
                        .isBetween(now, now.plus(POLICY.maxInterval()));
            }
            case CallResult.Paused paused -> throw new AssertionError("plain HTTP never pauses: " + paused);
            case CallResult.Suspended suspended -> throw new AssertionError("plain HTTP never suspends: " + suspended);
        }
        if (status == 408 || status == 429 || status >= 500) {
            assertThat(result).isInstanceOf(CallResult.Retryable.class);
        }
    }

    @Provide
    Arbitrary<Answer> answers() {
        // an informational status alone is no answer: the client waits for the final one until the call times out
        Arbitrary<Integer> statuses = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.integers().between(100, 199)),
                Tuple.of(20, Arbitraries.integers().between(200, 599)),
                Tuple.of(10, Arbitraries.of(200, 201, 204, 408, 429, 500, 503)));
        Arbitrary<String> retryAfter = Arbitraries.oneOf(OutcomePolicyPropertiesTest.retryAfterHeaders()
                .filter(value -> value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)).map(String::strip)
                .filter(value -> !value.isEmpty()), Arbitraries.just(null));
        Arbitrary<Long> sizes = Arbitraries.oneOf(Arbitraries.longs().between(0, 4L * RESULT_LIMIT),
                Arbitraries.of(0L, (long) RESULT_LIMIT, RESULT_LIMIT + 1L, 50L * 1024 * 1024));
        return Combinators.combine(statuses, retryAfter, sizes).as(Answer::new);
    }

    @Test
    void readsAtMostTheResultLimitOfAFiftyMegabyteAnswer() throws Exception {
        handler.respondWith(request -> Response.sized(200, 50L * 1024 * 1024, Map.of()));
        long before = allocated();

        CallResult result = client.call(target(), invocation("k"), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);

        assertThat(result).isInstanceOfSatisfying(CallResult.Success.class,
                success -> assertThat(success.body()).hasSize(RESULT_LIMIT));
        long allocatedMb = (allocated() - before) / (1024 * 1024);
        System.out.printf("HandlerClientTest: a 50 MB answer allocated %d MB on the calling side%n", allocatedMb);
        assertThat(allocatedMb).isLessThan(20);
    }

    @Test
    void answersTheNextCallAfterAnAnswerItCutShort() throws Exception {
        handler.respondWith(request -> Response.sized(503, 10L * 1024 * 1024, Map.of("retry-after", "1")));
        assertThat(client.call(target(), invocation("k"), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS))
                .isInstanceOfSatisfying(CallResult.Retryable.class, retryable -> {
                    assertThat(retryable.failure()).startsWith("HTTP 503: xxx").endsWith("…");
                    assertThat(retryable.retryAfter()).isEqualTo(Duration.ofSeconds(1));
                });
        handler.respondWith(request -> Response.ok("{\"ok\":true}"));
        assertThat(client.call(target(), invocation("k"), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS))
                .isInstanceOfSatisfying(CallResult.Success.class,
                        success -> assertThat(new String(success.body())).isEqualTo("{\"ok\":true}"));
    }

    @ParameterizedTest(name = "key {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            ".        | /Account/%2E/deposit",
            "..       | /Account/%2E%2E/deposit",
            "...      | /Account/%2E%2E%2E/deposit",
            "a.b      | /Account/a.b/deposit",
            "../x     | /Account/..%2Fx/deposit",
            "'.. '    | /Account/..%20/deposit",
    })
    void encodesKeysOfDotsOnlySoThatNoProxyTakesThemForRelativeSteps(String key, String path) {
        URI uri = HandlerClient.uri(target(), key);

        assertThat(uri.getRawPath()).isEqualTo(path);
        assertThat(uri.normalize().getRawPath()).isEqualTo(path);
    }

    private static HandlerTarget target() {
        return new HandlerTarget("Account", "deposit", ServiceType.VIRTUAL_OBJECT, HandlerType.EXCLUSIVE,
                URI.create(handler.endpoint()), InputFormat.JSON, null, RetrySettings.inherit());
    }

    private static ClaimedInvocation invocation(String key) {
        return new ClaimedInvocation("inv-1", "Account", "deposit", key, true, "{}".getBytes(), List.of(), null, 1);
    }

    private static long allocated() {
        return ((ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getTotalThreadAllocatedBytes();
    }
}
