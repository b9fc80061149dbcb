package dev.ferry.restate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

import dev.ferry.invocation.ClaimedInvocation;
import dev.ferry.shared.KnownMeters;

/**
 * Meters of SDK invocations, tagged with {@code service} and {@code handler}:
 * <ul>
 *   <li>{@code ferry_restate_exchanges_total{ending}}: requests to the deployment, by how the SDK ended them
 *       ({@code output}, {@code terminal_failure}, {@code suspended}, {@code failed}, {@code unsupported});</li>
 *   <li>{@code ferry_restate_suspensions_total{kind}}: suspensions, {@code ready} (invoked again at once) or
 *       {@code paused} (waiting for something Ferry does not produce yet);</li>
 *   <li>{@code ferry_restate_replayed_entries}: journal entries replayed to the SDK per request;</li>
 *   <li>{@code ferry_restate_journal_length}: the journal's length when the handler ended (output or terminal
 *       failure);</li>
 *   <li>{@code ferry_restate_invocation_attempts}: the dispatcher attempt in which the handler ended (1: first).</li>
 * </ul>
 */
final class RestateMetrics {

    private final MeterRegistry registry;
    private final KnownMeters meters = new KnownMeters();

    RestateMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** One request to the deployment: {@code replayed} stored entries sent, {@code result} what came back. */
    void exchanged(ClaimedInvocation invocation, int replayed, AttemptResult result) {
        String service = invocation.service();
        String handler = invocation.handler();
        meters.<DistributionSummary>get(() -> DistributionSummary.builder("ferry.restate.replayed.entries")
                .description("Journal entries replayed to the SDK per request").baseUnit("entries")
                .tags("service", service, "handler", handler).register(registry),
                "replayed", service, handler).record(replayed);
        String ending = ending(result.ending());
        meters.<Counter>get(() -> Counter.builder("ferry.restate.exchanges")
                .description("Requests to SDK deployments, by how they ended")
                .tags("service", service, "handler", handler, "ending", ending)
                .register(registry), "exchanges", service, handler, ending).increment();
        switch (result.ending()) {
            case AttemptEnding.Suspended suspended -> {
                String kind = suspended.readyNow() ? "ready"
                        : suspended.completions().isEmpty() && suspended.signals().isEmpty()
                                && suspended.namedSignals().isEmpty() ? "paused"
                                : "suspended";
                meters.<Counter>get(() -> Counter.builder("ferry.restate.suspensions")
                        .description("Suspensions of SDK handlers: ready to go on at once, suspended until a"
                                + " completion is due, or paused")
                        .tags("service", service, "handler", handler, "kind", kind)
                        .register(registry), "suspensions", service, handler, kind).increment();
            }
            case AttemptEnding.Output output -> ended(invocation, replayed + result.newEntries().size());
            case AttemptEnding.TerminalFailure failure -> ended(invocation, replayed + result.newEntries().size());
            default -> {
            }
        }
    }

    private void ended(ClaimedInvocation invocation, int journalLength) {
        String service = invocation.service();
        String handler = invocation.handler();
        meters.<DistributionSummary>get(() -> DistributionSummary.builder("ferry.restate.journal.length")
                .description("Journal length of SDK invocations when their handler ended").baseUnit("entries")
                .tags("service", service, "handler", handler).register(registry),
                "journal", service, handler).record(journalLength);
        meters.<DistributionSummary>get(() -> DistributionSummary.builder("ferry.restate.invocation.attempts")
                .description("The attempt in which an SDK handler ended")
                .tags("service", service, "handler", handler).register(registry),
                "attempts", service, handler).record(invocation.attempt());
    }

    private static String ending(AttemptEnding ending) {
        return switch (ending) {
            case AttemptEnding.Output output -> "output";
            case AttemptEnding.TerminalFailure failure -> "terminal_failure";
            case AttemptEnding.Suspended suspended -> "suspended";
            case AttemptEnding.Failed failed -> "failed";
            case AttemptEnding.Unsupported unsupported -> "unsupported";
        };
    }
}
