package dev.ferry.dispatch;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Where the object state of plain HTTP handlers with the state envelope lives: the table SDK services keep their
 * state in, so the same objects and the same operator endpoints serve both.
 */
public interface ObjectStates {

    /**
     * An object's whole state, by name in name order (empty if it has none), read with the states of the other
     * objects asked for meanwhile.
     */
    CompletableFuture<Map<String, byte[]>> load(String service, String objectKey);

    /** Applies an envelope's changes inside the caller's transaction: {@code clearAll}, then clear, then set. */
    void apply(String service, String objectKey, Changes changes);

    /**
     * Applies the changes of many attempts inside the caller's transaction, each only while its attempt still runs
     * its invocation (whose row stays locked until the transaction ends), in a few statements for them all;
     * returns the ids of the invocations whose attempt no longer runs them, whose changes were not applied.
     */
    Set<String> applyFenced(List<Fenced> changes);

    /** The changes of one attempt of an invocation, to an object. */
    record Fenced(String invocationId, int attempt, String service, String objectKey, Changes changes) {
    }

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
