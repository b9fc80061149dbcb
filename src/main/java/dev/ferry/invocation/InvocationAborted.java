package dev.ferry.invocation;

/** An invocation was cancelled or killed; a call of it still running should be aborted. */
public record InvocationAborted(String id) {
}
