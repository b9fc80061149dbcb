package dev.ferry.invocation;

/** An operator ended the invocation that held {@code key}: the next invocation of the key may be ready to run. */
public record ExclusiveKeyReleased(String key) {
}
