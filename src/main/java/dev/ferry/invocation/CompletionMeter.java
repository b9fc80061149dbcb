package dev.ferry.invocation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.ferry.shared.KnownMeters;

/**
 * The {@code ferry.invocations.completed} counter: invocations this instance completed, tagged with
 * {@code service}, {@code handler}, {@code result} (success, failure) and {@code reason} (a
 * {@link FailureReason#wire()}, or {@code none} for a success). Handler calls count here through the dispatcher;
 * records completed on arrival (invalid key or payload, refused by PostgreSQL, duplicate workflow runs) and
 * operators' cancel and kill count here too, so the counter holds every way an invocation ends.
 */
@Component
public class CompletionMeter {

    /** The reason of a successful completion. */
    public static final String NO_REASON = "none";

    private final MeterRegistry registry;
    private final KnownMeters meters = new KnownMeters();

    public CompletionMeter(MeterRegistry registry) {
        this.registry = registry;
    }

    /** {@code count} invocations of a handler completed, with {@code reason} null for a success. */
    public void completed(String service, String handler, FailureReason reason, long count) {
        String result = reason == null ? "success" : "failure";
        String why = reason == null ? NO_REASON : reason.wire();
        meters.<Counter>get(() -> Counter.builder("ferry.invocations.completed")
                .description("Invocations completed by this instance")
                .tags("service", service, "handler", handler, "result", result, "reason", why)
                .register(registry), service, handler, why).increment(count);
    }

    @EventListener
    void on(RecordsCompletedOnArrival event) {
        event.counts().forEach((target, count) -> completed(target.service(), target.handler(), target.reason(),
                count));
    }
}
