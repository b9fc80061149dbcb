package dev.ferry.subscription;

/** A subscription was created, deleted, paused or resumed; its consumer must follow. */
public record SubscriptionChanged(String id) {
}
