package dev.ferry.invocation;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What an operator can do to an invocation, through {@link InvocationSteering}. */
public enum SteeringAction {
    CANCEL, KILL, PAUSE, RESUME, RESTART, PURGE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<SteeringAction> fromWire(String wire) {
        return Arrays.stream(values()).filter(action -> action.wire().equals(wire)).findFirst();
    }
}
