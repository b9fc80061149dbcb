package dev.ferry.consumer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

import dev.ferry.subscription.ConsumerStatus;

/**
 * Health contributor {@code consumers}: the state of every subscription's consumer. A stalled or failed
 * consumer makes this component {@value #DEGRADED} and names why, a status deliberately outside the health
 * status order: the overall status (and readiness) stays UP, so that one broken subscription never takes the
 * instance, and with it every other subscription and service, out of service.
 */
@Component("consumers")
class ConsumersHealthIndicator implements HealthIndicator {

    static final String DEGRADED = "DEGRADED";

    private final ConsumerStates states;

    ConsumersHealthIndicator(ConsumerStates states) {
        this.states = states;
    }

    @Override
    public Health health() {
        Map<String, ConsumerStatus> all = states.all();
        Map<String, Object> subscriptions = new TreeMap<>();
        Map<String, String> troubled = new TreeMap<>();
        all.forEach((id, status) -> {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("state", status.state());
            detail.put("since", status.since().toString());
            if (status.error() != null) {
                detail.put("error", status.error());
                troubled.put(id, status.state() + ": " + status.error());
            }
            detail.put("partitions", status.partitions());
            subscriptions.put(id, detail);
        });
        long failed = all.values().stream().filter(status -> "failed".equals(status.state())).count();
        long stalled = all.values().stream().filter(status -> "stalled".equals(status.state())).count();
        Health.Builder health = troubled.isEmpty() ? Health.up() : Health.status(new Status(DEGRADED,
                "%d subscription consumer(s) failed and %d stalled: %s".formatted(failed, stalled,
                        String.join("; ", troubled.entrySet().stream()
                                .map(entry -> entry.getKey() + " " + entry.getValue()).toList()))));
        return health.withDetail("subscriptions", subscriptions).withDetail("failed", failed)
                .withDetail("stalled", stalled).build();
    }
}
