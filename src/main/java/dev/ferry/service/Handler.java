package dev.ferry.service;

import java.time.Duration;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.Embedded;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;

/** One handler of a registered service. */
@Embeddable
class Handler {

    /** The one {@code state} a plain HTTP handler can declare. */
    static final String ENVELOPE = "envelope";

    @Column(name = "name", nullable = false)
    private String name;

    @Enumerated(EnumType.STRING)
    @Column(name = "type")
    private HandlerType type;

    @Enumerated(EnumType.STRING)
    @Column(name = "input", nullable = false)
    private InputFormat input;

    @Column(name = "timeout_ms")
    private Long timeoutMillis;

    @Embedded
    private RetrySettings retry;

    @Column(name = "enable_lazy_state", nullable = false)
    private boolean enableLazyState;

    @Column(name = "abort_timeout_ms")
    private Long abortTimeoutMillis;

    @Column(name = "input_content_type")
    private String inputContentType;

    @Column(name = "output_content_type")
    private String outputContentType;

    @Column(name = "state")
    private String state;

    protected Handler() {
    }

    /** A handler of a Restate SDK service: its input goes to the SDK as it is, which checks it. */
    static Handler restate(RestateServiceDefinition service, RestateServiceDefinition.Handler definition) {
        Handler handler = new Handler(definition.name(), definition.type(), InputFormat.RAW,
                definition.inactivityTimeout(), definition.retry());
        handler.enableLazyState = definition.enableLazyState() != null ? definition.enableLazyState()
                : service.enableLazyState();
        handler.abortTimeoutMillis = definition.abortTimeout() == null ? null : definition.abortTimeout().toMillis();
        handler.inputContentType = definition.inputContentType();
        handler.outputContentType = definition.outputContentType();
        return handler;
    }

    Handler(String name, HandlerType type, InputFormat input, Duration timeout, RetrySettings retry) {
        this.name = name;
        this.type = type;
        this.input = input;
        this.timeoutMillis = timeout == null ? null : timeout.toMillis();
        this.retry = retry;
    }

    String name() {
        return name;
    }

    HandlerType type() {
        return type;
    }

    InputFormat input() {
        return input;
    }

    Duration timeout() {
        return timeoutMillis == null ? null : Duration.ofMillis(timeoutMillis);
    }

    RetrySettings retry() {
        return retry == null ? RetrySettings.inherit() : retry;
    }

    boolean enableLazyState() {
        return enableLazyState;
    }

    Duration abortTimeout() {
        return abortTimeoutMillis == null ? null : Duration.ofMillis(abortTimeoutMillis);
    }

    String inputContentType() {
        return inputContentType;
    }

    /** {@code envelope} when the handler keeps object state through the envelope, else null. */
    String state() {
        return state;
    }

    Handler withState(String state) {
        this.state = state;
        return this;
    }

    String outputContentType() {
        return outputContentType;
    }
}
