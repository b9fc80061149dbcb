package dev.ferry.dispatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.ferry.invocation.ClaimedInvocation;

/**
 * Call slots taken on this instance for invocations about to be stored or claimed as running under its
 * lease: {@link #start} calls the invocations the store handed back, and {@link #close} frees the slots they
 * did not use. Every attempt this instance makes starts here, whether its invocation was just ingested,
 * claimed, or is the successor of one that finished. Used by one thread, in try-with-resources.
 */
public final class Reservation implements AutoCloseable {

    private final Dispatcher dispatcher;
    private final int size;
    private int used;
    private boolean closed;

    Reservation(Dispatcher dispatcher, int size) {
        this.dispatcher = dispatcher;
        this.size = size;
    }

    /** How many invocations this reservation may start: the budget to ask the store for. */
    public int size() {
        return size;
    }

    /** The lease holder under which the store must mark the invocations it hands back running. */
    public String owner() {
        return dispatcher.owner();
    }

    /** How long the store must lease the invocations it hands back. */
    public Duration lease() {
        return dispatcher.lease();
    }

    /**
     * Calls invocations stored running under {@link #owner()}'s lease. Those beyond this reservation's size,
     * or whose subscription has its {@code max-in-flight} calls running, go back to the store unstarted.
     */
    public void start(List<ClaimedInvocation> invocations) {
        if (closed) {
            throw new IllegalStateException("This reservation is closed");
        }
        List<String> excess = new ArrayList<>();
        for (ClaimedInvocation invocation : invocations) {
            if (used < size && dispatcher.tryStart(invocation)) {
                used++;
            } else {
                excess.add(invocation.id());
            }
        }
        if (!excess.isEmpty()) {
            dispatcher.handBack(excess);
        }
    }

    /** Frees the slots no started invocation took. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            dispatcher.free(size - used);
        }
    }
}
