package dev.ferry.dispatch;

import java.util.List;
import java.util.Map;

import dev.ferry.invocation.Outcome;

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

    /**
     * The fence this effect leaves to its attempt's outcome when the attempt succeeded, or null (the default): the
     * statement that completes the invocation then checks it and grows the journal itself, and {@link
     * Batch#writeFenced} writes the rest of the effect afterwards, in the same transaction, only if that statement
     * completed the invocation. Only an effect with a {@link #batch()} may have one.
     */
    default Outcome.JournalFence successFence() {
        return null;
    }

    /** Writes effects of many attempts at once, in fewer statements than one by one. */
    interface Batch {

        /**
         * Writes the effects, each of whose {@link #batch()} is this one, in the caller's transaction; returns those
         * that found their attempt superseded and wrote nothing, each with why (as {@link OutcomeSuperseded} says).
         */
        Map<DurableEffect, String> writeAll(List<DurableEffect> effects);

        /**
         * Writes effects whose {@link #successFence() fences} the statement of their outcomes has passed, in the
         * caller's transaction: everything but the fence itself.
         */
        default void writeFenced(List<DurableEffect> effects) {
            throw new UnsupportedOperationException("this batch leaves no fence to the outcome");
        }
    }
}
