/**
 * Subscriptions: a handler subscribed to a topic, written as a {@code kafka://CLUSTER/TOPIC} source, a
 * {@code service://SERVICE/HANDLER} sink and consumer options. This package keeps the desired state
 * (which subscriptions exist, running or paused); the consumer feature makes the running consumers
 * match it.
 */
package dev.ferry.subscription;
