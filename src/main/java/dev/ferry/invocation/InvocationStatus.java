package dev.ferry.invocation;

import java.util.Arrays;
import java.util.Optional;

/** Where an invocation stands; {@link #wire()} is the name used in the API and the table. */
public enum InvocationStatus {
    PENDING("pending"),
    SCHEDULED("scheduled"),
    READY("ready"),
    RUNNING("running"),
    BACKING_OFF("backing-off"),
    PAUSED("paused"),
    COMPLETED("completed");

    private final String wire;

    InvocationStatus(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<InvocationStatus> fromWire(String wire) {
        return Arrays.stream(values()).filter(status -> status.wire.equals(wire)).findFirst();
    }
}
