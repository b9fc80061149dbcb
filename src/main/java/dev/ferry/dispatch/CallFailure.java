package dev.ferry.dispatch;

/**
 * Why a handler call did not succeed, as the {@code reason} tag of the {@code ferry.handler.calls} meters says
 * it; {@link #statusClass()} is the HTTP status class of the answer ({@code none} when there was none).
 */
public enum CallFailure {
    /** The call succeeded. */
    NONE("none", "2xx"),
    /** No answer within the call's timeout. */
    TIMEOUT("timeout", "none"),
    /** The connection could not be made, or broke (I/O error). */
    CONNECTION("connection", "none"),
    /** The handler answered 429 Too Many Requests. */
    TOO_MANY_REQUESTS("429", "4xx"),
    /** The handler answered 5xx. */
    SERVER_ERROR("5xx", "5xx"),
    /** The handler answered another 4xx (408 among them). */
    CLIENT_ERROR("4xx", "4xx"),
    /** Anything else: a protocol error, an error the handler reported in its own protocol, Ferry's own failure. */
    OTHER("other", "none");

    private final String reason;
    private final String statusClass;

    CallFailure(String reason, String statusClass) {
        this.reason = reason;
        this.statusClass = statusClass;
    }

    /** The failure of an HTTP answer with {@code status}, which is not 2xx. */
    public static CallFailure ofStatus(int status) {
        if (status == 429) {
            return TOO_MANY_REQUESTS;
        }
        if (status >= 500 && status < 600) {
            return SERVER_ERROR;
        }
        return status >= 400 && status < 500 ? CLIENT_ERROR : OTHER;
    }

    /** The failure a call's result is metered with: none for a success or a suspension. */
    public static CallFailure of(CallResult result) {
        return switch (result) {
            case CallResult.Success ignored -> NONE;
            case CallResult.Terminal terminal -> terminal.kind();
            case CallResult.Retryable retryable -> retryable.kind();
            case CallResult.Paused ignored -> OTHER;
            case CallResult.Suspended ignored -> NONE;
        };
    }

    public String reason() {
        return reason;
    }

    public String statusClass() {
        return statusClass;
    }
}
