package dev.ferry.dispatch;

import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import dev.ferry.invocation.ClaimedInvocation;

/**
 * Per-subscription bounds on calls in flight on this instance (option {@code max-in-flight}), under the
 * instance-wide bound. A subscription's limit is looked up the first time one of its invocations is
 * claimed, and looked up again after {@link #forget} (its subscription changed).
 */
class SubscriptionLimits {

    private static final int UNLIMITED = Integer.MAX_VALUE;

    private final Function<String, Optional<Integer>> lookup;
    private final Map<String, Integer> limits = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    SubscriptionLimits(Function<String, Optional<Integer>> lookup) {
        this.lookup = lookup;
    }

    void forget(String subscriptionId) {
        limits.remove(subscriptionId);
    }

    /** Subscriptions that may not start another call now. */
    Set<String> saturated() {
        Set<String> full = new HashSet<>();
        limits.forEach((subscription, limit) -> {
            AtomicInteger running = inFlight.get(subscription);
            if (limit != UNLIMITED && running != null && running.get() >= limit) {
                full.add(subscription);
            }
        });
        return full;
    }

    /** Counts a call of the invocation's subscription, unless its limit is reached. */
    boolean tryAcquire(ClaimedInvocation invocation) {
        String subscription = subscriptionOf(invocation);
        if (subscription == null) {
            return true;
        }
        int limit = limits.computeIfAbsent(subscription, id -> lookup.apply(id).orElse(UNLIMITED));
        AtomicInteger running = inFlight.computeIfAbsent(subscription, id -> new AtomicInteger());
        while (true) {
            int current = running.get();
            if (current >= limit) {
                return false;
            }
            if (running.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    void release(ClaimedInvocation invocation) {
        String subscription = subscriptionOf(invocation);
        if (subscription != null) {
            inFlight.get(subscription).decrementAndGet();
        }
    }

    private static String subscriptionOf(ClaimedInvocation invocation) {
        return invocation.origin() == null ? null : invocation.origin().subscriptionId();
    }
}
