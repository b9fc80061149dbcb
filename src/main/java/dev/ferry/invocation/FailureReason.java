package dev.ferry.invocation;

/** Why an invocation completed with failure; {@link #wire()} is the name used in the API. */
public enum FailureReason {
    HANDLER_ERROR("handler-error"),
    KILLED("killed"),
    CANCELLED("cancelled"),
    INVALID_KEY("invalid-key"),
    INVALID_PAYLOAD("invalid-payload"),
    DUPLICATE("duplicate");

    private final String wire;

    FailureReason(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
