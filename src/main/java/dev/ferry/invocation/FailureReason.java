package dev.ferry.invocation;

/** Why an invocation completed with failure; {@link #wire()} is the name used in the API. */
public enum FailureReason {
    HANDLER_ERROR("handler-error"),
    KILLED("killed"),
    CANCELLED("cancelled"),
    INVALID_KEY("invalid-key"),
    INVALID_PAYLOAD("invalid-payload"),
    /** PostgreSQL refused to store the record as it is; the invocation keeps the database's reason. */
    INVALID_RECORD("invalid-record"),
    DUPLICATE("duplicate"),
    /** A handler's answer would have made an object's state (or one value of it) larger than allowed. */
    STATE_TOO_LARGE("state-too-large");

    private final String wire;

    FailureReason(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
