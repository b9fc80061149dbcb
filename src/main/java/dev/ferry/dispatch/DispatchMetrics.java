package dev.ferry.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.function.IntSupplier;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

import dev.ferry.invocation.ClaimedInvocation;
import dev.ferry.invocation.CompletionMeter;
import dev.ferry.invocation.FailureReason;
import dev.ferry.shared.KnownMeters;

/**
 * Meters of handler calls, tagged with {@code service} and {@code handler}: call latency (a histogram) by
 * outcome (success, retry, failure, paused), HTTP status class and failure reason; attempts per completed
 * invocation; the latency from a record's timestamp to its invocation's completion (a histogram); and the
 * call slots in use. Completions count in {@link CompletionMeter}.
 */
@Component
class DispatchMetrics {

    private final MeterRegistry registry;
    private final CompletionMeter completions;
    private final KnownMeters meters = new KnownMeters();

    DispatchMetrics(MeterRegistry registry, CompletionMeter completions) {
        this.registry = registry;
        this.completions = completions;
    }

    /** A histogram, so that any percentile can be computed across instances with histogram_quantile. */
    void call(ClaimedInvocation invocation, String outcome, CallFailure failure, Duration took) {
        meters.<Timer>get(() -> Timer.builder("ferry.handler.calls")
                .description("Handler calls by outcome, status class and failure reason")
                .tags("service", invocation.service(), "handler", invocation.handler(), "outcome", outcome,
                        "status_class", failure.statusClass(), "reason", failure.reason())
                .publishPercentileHistogram().serviceLevelObjectives(Duration.ofMillis(100))
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry), "calls", invocation.service(), invocation.handler(), outcome,
                failure.statusClass(), failure.reason()).record(took);
    }

    /** @param reason why it failed, or null for a success */
    void completed(ClaimedInvocation invocation, FailureReason reason, Instant now) {
        completions.completed(invocation.service(), invocation.handler(), reason, 1);
        meters.<DistributionSummary>get(() -> DistributionSummary.builder("ferry.invocation.attempts")
                .description("Attempts an invocation took")
                .tags("service", invocation.service(), "handler", invocation.handler())
                .register(registry), "attempts", invocation.service(), invocation.handler())
                .record(invocation.attempt());
        if (invocation.origin() != null && invocation.origin().timestamp() != null) {
            Duration endToEnd = Duration.between(invocation.origin().timestamp(), now);
            meters.<Timer>get(() -> Timer.builder("ferry.invocation.end.to.end")
                    .description("From the record's timestamp to the invocation's completion")
                    .tags("service", invocation.service(), "handler", invocation.handler())
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofHours(1))
                    .register(registry), "end-to-end", invocation.service(), invocation.handler())
                    .record(endToEnd.isNegative() ? Duration.ZERO : endToEnd);
        }
    }

    /** The {@code ferry.dispatch.slots} gauges: call slots in use, and the instance's limit. */
    void slots(IntSupplier inUse, int limit) {
        Gauge.builder("ferry.dispatch.slots.in.use", inUse::getAsInt)
                .description("Call slots held now: calls running and outcomes not yet written").register(registry);
        Gauge.builder("ferry.dispatch.slots.limit", () -> limit)
                .description("Call slots of this instance (ferry.dispatch.max-in-flight)").register(registry);
    }
}
