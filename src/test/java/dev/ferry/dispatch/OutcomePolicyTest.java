package dev.ferry.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.ferry.invocation.ClaimedInvocation;
import dev.ferry.invocation.FailureReason;
import dev.ferry.invocation.Outcome;
import dev.ferry.service.RetrySettings.OnMaxAttempts;

/** The rules of {@link OutcomePolicy}, one example each; {@link OutcomePolicyPropertiesTest} explores the rest. */
class OutcomePolicyTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final RetryPolicy POLICY = new RetryPolicy(Duration.ofMillis(100), 2.0, Duration.ofSeconds(30), 0,
            OnMaxAttempts.PAUSE);
    /** Draws no jitter: the wait is the whole backoff, so tests of its bounds can name it exactly. */
    private static final OutcomePolicy UNJITTERED = new OutcomePolicy(() -> 0L);

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

        OutcomePolicy.Decision decision = UNJITTERED.decide(invocation(1), policy, result, NOW);

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

        OutcomePolicy.Decision decision = UNJITTERED.decide(invocation(attempt), policy,
                new CallResult.Retryable("I/O error", null), NOW);

        assertThat(decision.retryIn()).isEqualTo(Duration.parse(expected));
        assertThat(((Outcome.Retrying) decision.outcome()).nextAttemptAt()).isEqualTo(NOW.plus(decision.retryIn()));
    }

    /** Every rule of how an answer turns into an outcome, from the HTTP answer to the recorded outcome. */
    @ParameterizedTest(name = "HTTP {0} (Retry-After {1}) -> {2} in {3}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "200 | null                            | Succeeded | null",
            "204 | null                            | Succeeded | null",
            "299 | 5                               | Succeeded | null",
            "408 | null                            | Retrying  | PT0.1S",
            "429 | 7                               | Retrying  | PT7S",
            "429 | 'Sun, 01 Mar 2026 12:00:20 GMT'  | Retrying  | PT20S",
            "500 | null                            | Retrying  | PT0.1S",
            "503 | 120                             | Retrying  | PT30S",
            "599 | soon                            | Retrying  | PT0.1S",
            "300 | null                            | Failed    | null",
            "400 | 5                               | Failed    | null",
            "404 | null                            | Failed    | null",
            "499 | null                            | Failed    | null",
    })
    void turnsEachAnswerIntoItsOutcome(int status, String retryAfter, String outcome, String retryIn) {
        CallResult result = HandlerClient.classify(status, "application/json", retryAfter,
                new LimitedBody.Bytes("{}".getBytes(StandardCharsets.UTF_8), false), CLOCK.instant());

        OutcomePolicy.Decision decision = UNJITTERED.decide(invocation(1), POLICY, result, CLOCK.instant());

        assertThat(decision.outcome().getClass().getSimpleName()).isEqualTo(outcome);
        assertThat(decision.retryIn()).isEqualTo(retryIn == null ? null : Duration.parse(retryIn));
        assertThat(decision.completion()).isEqualTo(switch (outcome) {
            case "Succeeded" -> "success";
            case "Failed" -> "failure";
            default -> null;
        });
        if (decision.outcome() instanceof Outcome.Failed failed) {
            assertThat(failed.reason()).isEqualTo(FailureReason.HANDLER_ERROR);
            assertThat(failed.failure()).startsWith("HTTP " + status + ": {}");
        }
    }

    @ParameterizedTest(name = "{0} -> retried after the backoff")
    @CsvSource(delimiter = '|', value = {
            "timeout    | timeout: no response within 500ms",
            "refused    | I/O error: ConnectException: refused",
            "reset      | I/O error: IOException: connection reset",
            "other      | call failed: IllegalStateException",
    })
    void retriesTimeoutsAndConnectionErrorsAfterTheBackoff(String kind, String failure) {
        Throwable error = switch (kind) {
            case "timeout" -> new HttpTimeoutException("request timed out");
            case "refused" -> new CompletionException(new ConnectException("refused"));
            case "reset" -> new IOException("connection reset");
            default -> new IllegalStateException("closed");
        };
        CallResult result = HandlerClient.failure(error, Duration.ofMillis(500));

        OutcomePolicy.Decision decision = UNJITTERED.decide(invocation(3), POLICY, result, CLOCK.instant());

        assertThat(decision.outcome()).isInstanceOfSatisfying(Outcome.Retrying.class, retrying -> {
            assertThat(retrying.failure()).isEqualTo(failure);
            assertThat(retrying.nextAttemptAt()).isEqualTo(CLOCK.instant().plusMillis(400));
        });
    }

    @ParameterizedTest(name = "{0} at attempt {1} of {2} -> {3}")
    @CsvSource(delimiter = '|', value = {
            "PAUSE | 3 | 3 | Paused",
            "KILL  | 3 | 3 | Failed",
            "PAUSE | 2 | 3 | Retrying",
            "KILL  | 2 | 3 | Retrying",
            "KILL  | 9 | 0 | Retrying",
    })
    void pausesOrKillsOnceTheLastAttemptFailed(OnMaxAttempts onMax, int attempt, int maxAttempts, String outcome) {
        RetryPolicy policy = new RetryPolicy(Duration.ofMillis(100), 2.0, Duration.ofSeconds(30), maxAttempts, onMax);
        ClaimedInvocation exclusive = new ClaimedInvocation("inv-1", "Counter", "add", "k1", true, null, List.of(),
                null, attempt);

        OutcomePolicy.Decision decision = UNJITTERED.decide(exclusive, policy, new CallResult.Retryable("HTTP 503",
                null), CLOCK.instant());

        assertThat(decision.outcome().getClass().getSimpleName()).isEqualTo(outcome);
        switch (decision.outcome()) {
            case Outcome.Failed failed -> {
                assertThat(failed.reason()).isEqualTo(FailureReason.KILLED);
                assertThat(failed.failure()).isEqualTo("gave up after 3 attempts; last: HTTP 503");
                assertThat(decision.releasedKey()).isEqualTo("Counter/k1");
                assertThat(decision.completion()).isEqualTo("failure");
            }
            case Outcome.Paused paused -> {
                assertThat(paused.failure()).isEqualTo("gave up after 3 attempts; last: HTTP 503");
                assertThat(decision.releasedKey()).as("a paused invocation keeps its key").isNull();
            }
            default -> assertThat(decision.releasedKey()).isNull();
        }
    }

    @Test
    void spreadsBackoffsBetweenHalfAndAllOfTheBackoffSoRetriesDoNotReturnInLockStep() {
        OutcomePolicy jittered = new OutcomePolicy(new Random(42));
        RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30), 0,
                OnMaxAttempts.PAUSE);
        CallResult failure = new CallResult.Retryable("HTTP 503", null);

        List<Duration> waits = IntStream.range(0, 200)
                .mapToObj(i -> jittered.decide(invocation(3), policy, failure, CLOCK.instant()).retryIn()).toList();

        assertThat(waits).allSatisfy(wait -> assertThat(wait).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4)));
        assertThat(waits.stream().distinct().count()).as("distinct waits of 200 retries").isGreaterThan(150);
        assertThat(waits).anySatisfy(wait -> assertThat(wait).isLessThan(Duration.ofMillis(2500)))
                .anySatisfy(wait -> assertThat(wait).isGreaterThan(Duration.ofMillis(3500)));
        assertThat(IntStream.range(0, 200).mapToObj(i -> new OutcomePolicy(new Random(42)))
                .map(same -> same.decide(invocation(3), policy, failure, CLOCK.instant()).retryIn()).distinct())
                .as("the same seed draws the same wait").containsExactly(waits.getFirst());
    }

    @Test
    void honoursRetryAfterWithoutJitterAndCapsTheJitteredBackoffAtTheMaxInterval() {
        OutcomePolicy jittered = new OutcomePolicy(new Random(42));
        RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30), 0,
                OnMaxAttempts.PAUSE);

        for (int i = 0; i < 50; i++) {
            assertThat(jittered.decide(invocation(1), policy, new CallResult.Retryable("HTTP 429",
                    Duration.ofSeconds(12)), CLOCK.instant()).retryIn()).isEqualTo(Duration.ofSeconds(12));
            assertThat(jittered.decide(invocation(40), policy, new CallResult.Retryable("HTTP 503", null),
                    CLOCK.instant()).retryIn()).isBetween(Duration.ofSeconds(15), Duration.ofSeconds(30));
        }
    }

    static ClaimedInvocation invocation(int attempt) {
        return new ClaimedInvocation("inv-1", "Svc", "run", null, false, null, List.of(), null, attempt);
    }

    @Test
    void aPausedCallPausesTheInvocationWithItsReasonAndKeepsItsKey() {
        ClaimedInvocation exclusive = new ClaimedInvocation("inv-1", "Account", "deposit", "k1", true, null, List.of(),
                null, 1);

        OutcomePolicy.Decision decision = UNJITTERED.decide(exclusive, POLICY,
                new CallResult.Paused("ctx.sleep is not supported yet (SleepCommand)"), NOW);

        assertThat(decision.outcome())
                .isEqualTo(new Outcome.Paused("inv-1", "ctx.sleep is not supported yet (SleepCommand)"));
        assertThat(decision.releasedKey()).isNull();
        assertThat(decision.completion()).isNull();
        assertThat(decision.retryIn()).isNull();
    }
}
