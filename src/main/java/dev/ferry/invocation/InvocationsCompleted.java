package dev.ferry.invocation;

import java.util.Collection;

/** These invocations reached {@code completed} on this instance. */
public record InvocationsCompleted(Collection<String> ids) {
}
