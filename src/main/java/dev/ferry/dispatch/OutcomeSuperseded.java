package dev.ferry.dispatch;

/**
 * Thrown by a {@link DurableEffect} that finds its attempt overtaken: what the attempt was based on changed
 * before its outcome could be stored (a handler protocol's journal grew meanwhile, written by a stale attempt of
 * the same invocation). The effect must throw it having written nothing. {@link OutcomeRecorder} then stores,
 * in place of the attempt's outcome, a retry at once: the next attempt starts from what is stored now.
 */
public final class OutcomeSuperseded extends RuntimeException {

    public OutcomeSuperseded(String message) {
        super(message, null, false, false);
    }
}
