package dev.ferry.shared;

import java.util.List;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Meter;

/**
 * Meters registered once per name and tag values, then reused. Registering a meter builds its id, sorts its tags
 * and looks it up in the registry, which on the path of every record costs more than recording into it; the
 * meters a record touches are few (one per handler and outcome), so they are kept here by the values that tell
 * them apart. Ferry never removes a meter from its registry, so a kept meter stays the registered one.
 */
public final class KnownMeters {

    /** More distinct meters than this means tag values are not the few they should be: start over. */
    private static final int MAX_METERS = 10_000;

    private final KeptValues<List<String>, Meter> meters = new KeptValues<>(MAX_METERS);

    /**
     * The meter of {@code key} (its name and the values of its tags, in a fixed order), registered by
     * {@code register} the first time it is asked for.
     */
    @SuppressWarnings("unchecked")
    public <M extends Meter> M get(Supplier<M> register, String... key) {
        return (M) meters.get(List.of(key), ignored -> register.get());
    }
}
