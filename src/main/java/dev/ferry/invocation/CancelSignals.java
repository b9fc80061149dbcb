package dev.ferry.invocation;

/**
 * A handler protocol that lets an invocation end itself when cancelled, as the Restate service protocol does with
 * its cancel signal: the handler gets a terminal error at its next await and may compensate before it completes.
 * A protocol without one provides no bean, and cancel ends its invocations at once.
 */
public interface CancelSignals {

    /**
     * Sends the cancel signal to an invocation of {@code service}/{@code handler}, inside the caller's transaction.
     *
     * @return false when the invocation's handler is not one of this protocol's, so it is ended at once instead
     */
    boolean signal(String invocationId, String service, String handler);
}
