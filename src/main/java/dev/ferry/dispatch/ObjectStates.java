package dev.ferry.dispatch;

import java.util.List;
import java.util.Map;

/**
 * Where the object state of plain HTTP handlers with the state envelope lives: the table SDK services keep their
 * state in, so the same objects and the same operator endpoints serve both.
 */
public interface ObjectStates {

    /** An object's whole state, by name in name order; empty if it has none. */
    Map<String, byte[]> load(String service, String objectKey);

    /** Applies an envelope's changes inside the caller's transaction: {@code clearAll}, then clear, then set. */
    void apply(String service, String objectKey, Changes changes);

    /** The state changes of one envelope answer; values are JSON documents. */
    record Changes(boolean clearAll, List<String> clear, Map<String, byte[]> set) {

        public Changes {
            clear = List.copyOf(clear);
            set = Map.copyOf(set);
        }

        /** Whether applying changes nothing. */
        public boolean isEmpty() {
            return !clearAll && clear.isEmpty() && set.isEmpty();
        }
    }
}
