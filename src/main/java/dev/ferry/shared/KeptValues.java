package dev.ferry.shared;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Values made once per key and kept, for values asked for on every record that come from a handful of keys (a
 * handler's meters, its invoke URI). More keys than the bound means the keys are not the few they should be: the
 * kept values are dropped and made again as they are asked for, so memory stays bounded whatever the keys.
 *
 * @param <K> the key, with value equality
 * @param <V> the value
 */
public final class KeptValues<K, V> {

    private final int bound;
    private final Map<K, V> values = new ConcurrentHashMap<>();

    /** @param bound how many values are kept at most */
    public KeptValues(int bound) {
        this.bound = bound;
    }

    /** The value of {@code key}, made by {@code make} the first time it is asked for. */
    public V get(K key, Function<? super K, ? extends V> make) {
        V value = values.get(key);
        if (value == null) {
            if (values.size() >= bound) {
                values.clear();
            }
            value = values.computeIfAbsent(key, make);
        }
        return value;
    }
}
