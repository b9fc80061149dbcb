package dev.ferry.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * The {@code dispatcher} health component: calls in flight, outcomes waiting to be written, and whether
 * claiming work or recording outcomes has failed for longer than {@code ferry.dispatch.stuck-after}. Then the
 * component is {@value #DEGRADED} with the error, a status deliberately not in the health status order (as
 * for {@code kafkaClusters}), so liveness and readiness stay UP: the instance recovers by itself once the
 * database answers again, and restarting it would not help.
 */
@Component
class DispatcherHealthIndicator implements HealthIndicator {

    static final String DEGRADED = "DEGRADED";

    private final Supplier<Dispatcher.Health> dispatcher;
    private final Clock clock;

    @Autowired
    DispatcherHealthIndicator(Dispatcher dispatcher, Clock clock) {
        this(dispatcher::health, clock);
    }

    DispatcherHealthIndicator(Supplier<Dispatcher.Health> dispatcher, Clock clock) {
        this.dispatcher = dispatcher;
        this.clock = clock;
    }

    @Override
    public Health health() {
        Dispatcher.Health state = dispatcher.get();
        Instant now = clock.instant();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("in_flight", state.inFlight());
        details.put("outcome_backlog", state.outcomeBacklog());
        String stuck = null;
        if (stuck(state.outcomes(), state.stuckAfter(), now)) {
            details.put("outcomes_failing_since", state.outcomes().since().toString());
            details.put("error", state.outcomes().error());
            stuck = "Recording invocation outcomes has failed for " + seconds(state.outcomes(), now);
        } else if (stuck(state.claims(), state.stuckAfter(), now)) {
            details.put("claims_failing_since", state.claims().since().toString());
            details.put("error", state.claims().error());
            stuck = "Claiming invocations has failed for " + seconds(state.claims(), now);
        }
        Health.Builder health = stuck != null ? Health.status(new Status(DEGRADED, stuck)) : Health.up();
        return health.withDetails(details).build();
    }

    private static boolean stuck(OutcomeRecorder.Failing failing, Duration stuckAfter, Instant now) {
        return failing != null && Duration.between(failing.since(), now).compareTo(stuckAfter) >= 0;
    }

    private static String seconds(OutcomeRecorder.Failing failing, Instant now) {
        return Duration.between(failing.since(), now).toSeconds() + " s";
    }
}
