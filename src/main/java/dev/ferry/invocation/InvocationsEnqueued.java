package dev.ferry.invocation;

/** New invocations may be ready to run; a dispatcher should look. */
public record InvocationsEnqueued(int count) {
}
