package dev.ferry.invocation;

import java.util.List;

/**
 * Completed workflow runs were purged (by retention, or by an operator), in the transaction that publishes this:
 * whatever a workflow keeps beside its run (state, promises) goes with it, in the same transaction.
 *
 * @param runs the workflows whose runs were purged
 */
public record WorkflowRunsPurged(List<Run> runs) {

    public WorkflowRunsPurged {
        runs = List.copyOf(runs);
    }

    /** A workflow: its service and key. */
    public record Run(String service, String key) {
    }
}
