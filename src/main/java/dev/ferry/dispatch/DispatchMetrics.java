package dev.ferry.dispatch;

import java.time.Duration;
import java.time.Instant;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

import dev.ferry.invocation.ClaimedInvocation;

/**
 * Meters of handler calls, tagged with {@code service} and {@code handler}: call latency (histogram and
 * percentiles), outcomes (success, retry, failure), attempts per completed invocation, and the latency from
 * a record's timestamp to its invocation's completion.
 */
@Component
class DispatchMetrics {

    private final MeterRegistry registry;

    DispatchMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A histogram, so that any percentile can be computed across instances with histogram_quantile. */
    void call(ClaimedInvocation invocation, String outcome, Duration took) {
        Timer.builder("ferry.handler.calls").description("Handler calls by outcome")
                .tags("service", invocation.service(), "handler", invocation.handler(), "outcome", outcome)
                .publishPercentileHistogram().serviceLevelObjectives(Duration.ofMillis(100))
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry).record(took);
    }

    void completed(ClaimedInvocation invocation, String result, Instant now) {
        Counter.builder("ferry.invocations.completed").description("Invocations completed by this instance")
                .tags("service", invocation.service(), "handler", invocation.handler(), "result", result)
                .register(registry).increment();
        DistributionSummary.builder("ferry.invocation.attempts").description("Attempts an invocation took")
                .tags("service", invocation.service(), "handler", invocation.handler())
                .register(registry).record(invocation.attempt());
        if (invocation.origin() != null && invocation.origin().timestamp() != null) {
            Duration endToEnd = Duration.between(invocation.origin().timestamp(), now);
            Timer.builder("ferry.invocation.end.to.end")
                    .description("From the record's timestamp to the invocation's completion")
                    .tags("service", invocation.service(), "handler", invocation.handler())
                    .publishPercentiles(0.5, 0.99)
                    .register(registry).record(endToEnd.isNegative() ? Duration.ZERO : endToEnd);
        }
    }
}
