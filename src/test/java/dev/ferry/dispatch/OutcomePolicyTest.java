package dev.ferry.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.ferry.invocation.ClaimedInvocation;
import dev.ferry.invocation.Outcome;
import dev.ferry.service.RetrySettings.OnMaxAttempts;

class OutcomePolicyTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final RetryPolicy POLICY = new RetryPolicy(Duration.ofMillis(100), 2.0, Duration.ofSeconds(30), 0,
            OnMaxAttempts.PAUSE);

    @ParameterizedTest(name = "Retry-After {0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "5                                 | PT5S",
            "' 7 '                             | PT7S",
            "0                                 | PT0S",
            "0000000000000000000000012         | PT12S",
            "99999999999999                    | PT8760H",
            "9223372036854775807               | PT8760H",
            "92233720368547758070000000000000  | PT8760H",
            "-1                                | null",
            "-9223372036854775808              | null",
            "1.5                               | null",
            "soon                              | null",
            "''                                | null",
            "'Sun, 01 Mar 2026 12:00:30 GMT'   | PT30S",
            "'Sun, 01 Mar 2026 11:00:00 GMT'   | PT0S",
            "'Mon, 1 Jan 1900 00:00:00 GMT'    | PT0S",
            "'Fri, 31 Dec 9999 23:59:59 GMT'   | PT8760H",
            "'Sun, 01 Mar 2026 25:00:00 GMT'   | null",
    })
    void readsRetryAfterAsSecondsOrAnHttpDateAndNeverBeyondTheLongestWait(String header, String expected) {
        assertThat(OutcomePolicy.retryAfter(header, NOW)).isEqualTo(expected == null ? null : Duration.parse(expected));
    }

    @ParameterizedTest(name = "Retry-After {0} with max_interval {1} -> next attempt in {2}")
    @CsvSource(delimiter = '|', value = {
            "99999999999999      | PT30S  | PT30S",
            "9223372036854775807 | PT30S  | PT30S",
            "9223372036854775807 | PT1S   | PT1S",
            "2                   | PT30S  | PT2S",
            "-5                  | PT30S  | PT0.1S",
            "garbage             | PT30S  | PT0.1S",
    })
    void capsRetryAfterByTheMaxInterval(String header, String maxInterval, String expected) {
        RetryPolicy policy = new RetryPolicy(Duration.ofMillis(100), 2.0, Duration.parse(maxInterval), 0,
                OnMaxAttempts.PAUSE);
        CallResult result = new CallResult.Retryable("HTTP 503", OutcomePolicy.retryAfter(header, NOW));

        OutcomePolicy.Decision decision = OutcomePolicy.decide(invocation(1), policy, result, NOW);

        assertThat(decision.outcome()).isInstanceOfSatisfying(Outcome.Retrying.class,
                retrying -> assertThat(retrying.nextAttemptAt()).isEqualTo(NOW.plus(Duration.parse(expected))));
    }

    @ParameterizedTest(name = "initial {0}, factor {1}, max {2}, attempt {3} -> {4}")
    @CsvSource(delimiter = '|', value = {
            "PT0.1S              | 2.0   | PT30S                | 2147483647 | PT30S",
            "PT2562047788015215H | 2.0   | PT30S                | 1          | PT30S",
            "PT2562047788015215H | 1.0   | PT2562047788015215H  | 1          | PT8760H",
            "PT-5S               | 2.0   | PT30S                | 1          | PT0S",
            "PT1S                | 1e308 | PT10S                | 3          | PT10S",
            "PT1S                | 2.0   | PT-10S               | 3          | PT0S",
    })
    void neverOverflowsNorSchedulesOutsideNowAndTheLongestWait(String initial, double factor, String max,
            int attempt, String expected) {
        RetryPolicy policy = new RetryPolicy(Duration.parse(initial), factor, Duration.parse(max), 0,
                OnMaxAttempts.PAUSE);

        OutcomePolicy.Decision decision = OutcomePolicy.decide(invocation(attempt), policy,
                new CallResult.Retryable("I/O error", null), NOW);

        assertThat(decision.retryIn()).isEqualTo(Duration.parse(expected));
        assertThat(((Outcome.Retrying) decision.outcome()).nextAttemptAt()).isEqualTo(NOW.plus(decision.retryIn()));
    }

    @Property(tries = 2000)
    void everyHandlerAnswerYieldsAnOutcomeWithinNowAndTheMaxInterval(@ForAll("results") CallResult result,
            @ForAll("policies") RetryPolicy policy, @ForAll @IntRange(min = 1, max = 1_000_000) int attempt,
            @ForAll("instants") Instant now) {
        OutcomePolicy.Decision decision = OutcomePolicy.decide(invocation(attempt), policy, result, now);

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
        }
    }

    @Provide
    Arbitrary<CallResult> results() {
        Arbitrary<Duration> retryAfter = Arbitraries.oneOf(retryAfterHeaders().map(value -> OutcomePolicy.retryAfter(
                value, NOW)), Arbitraries.longs().map(Duration::ofSeconds), Arbitraries.just(null));
        return Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(64).map(body -> new CallResult.Success(body, null)),
                Arbitraries.strings().ofMaxLength(40).map(CallResult.Terminal::new),
                retryAfter.map(wait -> new CallResult.Retryable("HTTP 503", wait)));
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
        Arbitrary<Duration> durations = Arbitraries.oneOf(Arbitraries.longs().between(0, 86_400_000).map(Duration::ofMillis),
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

    private static ClaimedInvocation invocation(int attempt) {
        return new ClaimedInvocation("inv-1", "Svc", "run", null, false, null, List.of(), null, attempt);
    }
}
