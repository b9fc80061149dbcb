package dev.ferry.dispatch;

import java.util.List;

/**
 * What one attempt of an invocation came to: how the call ended, and the effects to store with its outcome.
 *
 * @param call    how the call ended
 * @param effects written in the transaction that records the outcome (plain HTTP: none)
 */
public record AttemptResult(CallResult call, List<DurableEffect> effects) {

    public AttemptResult {
        effects = List.copyOf(effects);
    }

    /** An attempt with nothing to store beside its outcome. */
    public static AttemptResult of(CallResult call) {
        return new AttemptResult(call, List.of());
    }
}
