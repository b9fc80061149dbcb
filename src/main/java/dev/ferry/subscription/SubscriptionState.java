package dev.ferry.subscription;

/** What the user asked a subscription to do. */
public enum SubscriptionState {
    RUNNING, PAUSED
}
