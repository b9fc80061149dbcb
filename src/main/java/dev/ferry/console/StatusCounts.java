package dev.ferry.console;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.ferry.invocation.InvocationQuery;
import dev.ferry.invocation.InvocationReader;

/** Invocation counts by status, in the order an invocation goes through them, every status present. */
final class StatusCounts {

    static final List<String> STATUSES = List.of("pending", "scheduled", "ready", "running", "backing-off",
            "paused", "completed");

    private StatusCounts() {
    }

    static Map<String, Long> of(InvocationReader reader, InvocationQuery query) {
        Map<String, Long> counted = reader.countByStatus(query);
        Map<String, Long> ordered = new LinkedHashMap<>();
        STATUSES.forEach(status -> ordered.put(status, counted.getOrDefault(status, 0L)));
        counted.forEach(ordered::putIfAbsent);
        return ordered;
    }

    static long unfinished(Map<String, Long> counts) {
        return counts.entrySet().stream().filter(entry -> !entry.getKey().equals("completed"))
                .mapToLong(Map.Entry::getValue).sum();
    }

    static InvocationQuery ofSubscription(String subscription) {
        return new InvocationQuery(subscription, null, null, null, null, null, null, null, null, false, 1);
    }

    static InvocationQuery ofHandler(String service, String handler) {
        return new InvocationQuery(null, service, handler, null, null, null, null, null, null, false, 1);
    }
}
