package dev.ferry.invocation;

import java.util.List;

/**
 * The journal a handler protocol keeps beside an invocation (the Restate service protocol does), for
 * {@code GET /invocations/{id}}. A protocol without journals provides no bean.
 */
public interface InvocationJournals {

    /** The invocation's journal entries, in order; empty when it has none. */
    List<InvocationDetails.JournalEntry> journal(String invocationId);
}
