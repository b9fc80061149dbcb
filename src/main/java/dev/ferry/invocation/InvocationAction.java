package dev.ferry.invocation;

import java.util.Arrays;
import java.util.Optional;

/** What an operator can do to an invocation. */
public enum InvocationAction {
    CANCEL, KILL, PAUSE, RESUME, RESTART, PURGE;

    public String wire() {
        return name().toLowerCase();
    }

    public static Optional<InvocationAction> fromWire(String wire) {
        return Arrays.stream(values()).filter(action -> action.wire().equals(wire)).findFirst();
    }
}
