package dev.ferry.cluster;

import java.time.Instant;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What Ferry last saw when it connected to a cluster: {@code connected} (reachable and authenticated),
 * {@code failed} with the reason, or {@code unknown} before the first check. The error never holds a secret.
 */
public record ClusterConnection(State state, Instant checkedAt, String error) {

    public enum State {
        CONNECTED, FAILED, UNKNOWN;

        @JsonValue
        String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static ClusterConnection unknown() {
        return new ClusterConnection(State.UNKNOWN, null, null);
    }

    static ClusterConnection connected(Instant at) {
        return new ClusterConnection(State.CONNECTED, at, null);
    }

    static ClusterConnection failed(Instant at, String error) {
        return new ClusterConnection(State.FAILED, at, error);
    }
}
