package dev.ferry.dispatch;

import static dev.ferry.dispatch.OutcomePolicyTest.invocation;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import dev.ferry.invocation.Outcome;
import dev.ferry.service.RetrySettings.OnMaxAttempts;

/** Whatever a handler answers and however its retry policy is set, {@link OutcomePolicy} decides within bounds. */
class OutcomePolicyPropertiesTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final OutcomePolicy JITTERED = new OutcomePolicy(new Random(11));

    @Property(tries = 2000)
    void everyHandlerAnswerYieldsAnOutcomeWithinNowAndTheMaxInterval(@ForAll("results") CallResult result,
            @ForAll("policies") RetryPolicy policy, @ForAll @IntRange(min = 1, max = 1_000_000) int attempt,
            @ForAll("instants") Instant now) {
        OutcomePolicy.Decision decision = JITTERED.decide(invocation(attempt), policy, result, now);

        assertThat(decision.outcome().id()).isEqualTo("inv-1");
        switch (decision.outcome()) {
            case Outcome.Retrying retrying -> {
                assertThat(result).isInstanceOf(CallResult.Retryable.class);
                Duration cap = policy.maxInterval().compareTo(OutcomePolicy.MAX_WAIT) > 0 ? OutcomePolicy.MAX_WAIT
                        : policy.maxInterval();
                assertThat(retrying.nextAttemptAt()).isBetween(now, now.plus(cap));
                assertThat(decision.completion()).isNull();
            }
            case Outcome.Succeeded succeeded -> assertThat(decision.completion()).isEqualTo("success");
            case Outcome.Failed failed -> assertThat(decision.completion()).isEqualTo("failure");
            case Outcome.Paused paused -> assertThat(policy.allowsAnotherAfter(attempt)).isFalse();
            case Outcome.Suspended suspended -> {
                assertThat(decision.releasedKey()).as("a suspension keeps its key").isNull();
                if (suspended.wakeAt() != null) {
                    assertThat(decision.retryIn()).isBetween(Duration.ZERO, OutcomePolicy.MAX_WAIT);
                }
            }
        }
    }

    @Provide
    Arbitrary<CallResult> results() {
        Arbitrary<Duration> retryAfter = Arbitraries.oneOf(retryAfterHeaders().map(value -> OutcomePolicy.retryAfter(
                value, NOW)), Arbitraries.longs().map(Duration::ofSeconds), Arbitraries.just(null));
        return Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(64).map(body -> new CallResult.Success(body, null)),
                Arbitraries.strings().ofMaxLength(40).map(CallResult.Terminal::new),
                retryAfter.map(wait -> new CallResult.Retryable("HTTP 503", wait)),
                Arbitraries.oneOf(instants(), Arbitraries.just(null)).map(CallResult.Suspended::new));
    }

    /** What handlers put into Retry-After: numbers of every size and sign, dates of every era, garbage. */
    static Arbitrary<String> retryAfterHeaders() {
        return Arbitraries.oneOf(
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.longs().between(0, 100_000).map(String::valueOf),
                Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(40),
                Arbitraries.of("9223372036854775807", "99999999999999", "-1", "1e3", "0x10", " ", "", "NaN"),
                Arbitraries.longs().between(Instant.parse("1000-01-01T00:00:00Z").getEpochSecond(),
                        Instant.parse("9999-12-31T23:59:59Z").getEpochSecond())
                        .map(seconds -> DateTimeFormatter.RFC_1123_DATE_TIME.format(
                                Instant.ofEpochSecond(seconds).atOffset(ZoneOffset.UTC))),
                Arbitraries.strings().ofMaxLength(30));
    }

    @Provide
    Arbitrary<RetryPolicy> policies() {
        Arbitrary<Duration> durations = Arbitraries.oneOf(
                Arbitraries.longs().between(0, 86_400_000).map(Duration::ofMillis),
                Arbitraries.longs().between(0, Long.MAX_VALUE / 2).map(Duration::ofSeconds));
        return Combinators.combine(durations, Arbitraries.doubles().between(1.0, 1e6), durations,
                Arbitraries.integers().between(0, 100), Arbitraries.of(OnMaxAttempts.class))
                .as(RetryPolicy::new);
    }

    @Provide
    Arbitrary<Instant> instants() {
        return Arbitraries.longs().between(0, Instant.parse("2200-01-01T00:00:00Z").getEpochSecond())
                .map(Instant::ofEpochSecond);
    }

}
