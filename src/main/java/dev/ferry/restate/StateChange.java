package dev.ferry.restate;

import java.util.Map;

/** A change to an object's state that a command of the journal implies, applied in journal order. */
public sealed interface StateChange {

    /** {@code ctx.set(key, value)}. */
    record Set(String key, byte[] value) implements StateChange {
        public Set {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }
    }

    /** {@code ctx.clear(key)}. */
    record Clear(String key) implements StateChange {
    }

    /** {@code ctx.clearAll()}. */
    record ClearAll() implements StateChange {
    }

    /** Applies this change to a mutable state map. */
    default void applyTo(Map<String, byte[]> state) {
        switch (this) {
            case Set set -> state.put(set.key(), set.value);
            case Clear clear -> state.remove(clear.key());
            case ClearAll clearAll -> state.clear();
        }
    }
}
