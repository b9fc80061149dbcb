package dev.ferry.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;

class DispatcherHealthIndicatorTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Duration STUCK_AFTER = Duration.ofSeconds(30);

    @Test
    void isDegradedWithTheErrorOnceOutcomesFailedForLongerThanStuckAfter() {
        Health health = health(null, new OutcomeRecorder.Failing(NOW.minusSeconds(45),
                "ERROR: invalid byte sequence (SQLState 22021)"));

        assertThat(health.getStatus().getCode()).isEqualTo("DEGRADED");
        assertThat(health.getStatus().getDescription()).isEqualTo("Recording invocation outcomes has failed for 45 s");
        assertThat(health.getDetails()).containsEntry("error", "ERROR: invalid byte sequence (SQLState 22021)")
                .containsEntry("outcome_backlog", 300).containsEntry("in_flight", 256)
                .containsEntry("outcomes_failing_since", NOW.minusSeconds(45).toString());
    }

    @Test
    void isDegradedOnceClaimsFailedForLongerThanStuckAfter() {
        Health health = health(new OutcomeRecorder.Failing(NOW.minusSeconds(31), "Connection refused (SQLState 08001)"),
                null);

        assertThat(health.getStatus().getCode()).isEqualTo("DEGRADED");
        assertThat(health.getDetails()).containsEntry("error", "Connection refused (SQLState 08001)");
    }

    @Test
    void staysUpWhileFailuresAreYoungerThanStuckAfterOrOver() {
        assertThat(health(null, null).getStatus().getCode()).isEqualTo("UP");
        assertThat(health(null, new OutcomeRecorder.Failing(NOW.minusSeconds(5), "blip")).getStatus().getCode())
                .isEqualTo("UP");
    }

    private static Health health(OutcomeRecorder.Failing claims, OutcomeRecorder.Failing outcomes) {
        Dispatcher.Health state = new Dispatcher.Health(claims, outcomes, 300, 256, STUCK_AFTER);
        return new DispatcherHealthIndicator(() -> state, Clock.fixed(NOW, ZoneOffset.UTC)).health();
    }
}
