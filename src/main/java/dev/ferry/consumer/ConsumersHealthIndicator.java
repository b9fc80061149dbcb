package dev.ferry.consumer;

import java.util.Map;
import java.util.TreeMap;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health contributor {@code consumers}: the state of every subscription's consumer. A failed consumer
 * degrades its subscription, not Ferry: the status stays UP and the details name what failed, so that one
 * broken cluster never takes the instance out of service.
 */
@Component("consumers")
class ConsumersHealthIndicator implements HealthIndicator {

    private final ConsumerMetrics metrics;

    ConsumersHealthIndicator(ConsumerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public Health health() {
        Map<String, String> states = new TreeMap<>();
        metrics.states().forEach((subscription, state) -> states.put(subscription, state.name().toLowerCase()));
        long failed = states.values().stream().filter("failed"::equals).count();
        return Health.up().withDetail("subscriptions", states).withDetail("failed", failed).build();
    }
}
