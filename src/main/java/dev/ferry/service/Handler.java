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

    protected Handler() {
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
}
