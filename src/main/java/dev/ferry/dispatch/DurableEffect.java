package dev.ferry.dispatch;

import java.util.List;
import java.util.Map;

/**
 * A change an attempt made that must become durable together with the attempt's outcome, such as entries a
 * handler protocol keeps beside the invocation. {@link OutcomeRecorder} writes it inside the transaction
 * that records the outcome, so both are stored or neither is; throwing rolls the outcome back with it, except
 * {@link OutcomeSuperseded}, which an effect throws having written nothing to have a retry stored instead.
 * The store ignores an outcome whose invocation is no longer leased here (cancelled, or taken over): an effect
 * must then write nothing, or be harmless.
 */
@FunctionalInterface
public interface DurableEffect {

    void write();

    /**
     * What writes this effect together with the effects of the other attempts of a batch of outcomes, in the same
     * transaction; null (the default) writes it on its own with {@link #write()}.
     */
    default Batch batch() {
        return null;
    }

    /** Writes effects of many attempts at once, in fewer statements than one by one. */
    interface Batch {

        /**
         * Writes the effects, each of whose {@link #batch()} is this one, in the caller's transaction; returns those
         * that found their attempt superseded and wrote nothing, each with why (as {@link OutcomeSuperseded} says).
         */
        Map<DurableEffect, String> writeAll(List<DurableEffect> effects);
    }
}
