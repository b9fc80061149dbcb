package dev.ferry.dispatch;

/**
 * A change an attempt made that must become durable together with the attempt's outcome, such as entries a
 * handler protocol keeps beside the invocation. {@link OutcomeRecorder} writes it inside the transaction
 * that records the outcome, so both are stored or neither is; throwing rolls the outcome back with it, except
 * {@link OutcomeSuperseded}, which an effect throws having written nothing to have a retry stored instead.
 * The store ignores an outcome whose invocation is no longer leased here (cancelled, or taken over), but
 * its effects are written all the same: an effect must be harmless then.
 */
@FunctionalInterface
public interface DurableEffect {

    void write();
}
