package dev.ferry.sdkjava;

import java.util.Map;

import dev.restate.sdk.ObjectContext;
import dev.restate.sdk.SharedObjectContext;
import dev.restate.sdk.annotation.Handler;
import dev.restate.sdk.annotation.Shared;
import dev.restate.sdk.annotation.VirtualObject;
import dev.restate.sdk.common.StateKey;

/**
 * A virtual object that adds each amount to its {@code count} in state: it reads the state, takes a receipt in a
 * {@code ctx.run} step (whose real executions it counts outside the protocol), sets the state and returns it.
 */
@VirtualObject(name = "Tally")
public class Tally {

    private static final StateKey<Long> COUNT = StateKey.of("count", Long.class);

    private final Map<String, Integer> runs;

    Tally(Map<String, Integer> runs) {
        this.runs = runs;
    }

    @Handler
    public long add(ObjectContext ctx, long amount) {
        long count = ctx.get(COUNT).orElse(0L);
        String receipt = ctx.run("receipt", String.class,
                () -> ctx.key() + "#" + runs.merge("add", 1, Integer::sum));
        if (receipt.isEmpty()) {
            throw new IllegalStateException("a receipt is never empty");
        }
        ctx.set(COUNT, count + amount);
        return count + amount;
    }

    @Shared
    public long count(SharedObjectContext ctx) {
        return ctx.get(COUNT).orElse(0L);
    }
}
