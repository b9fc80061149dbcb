/**
 * The registry of Kafka clusters Ferry consumes from: each is a name and a map of client properties,
 * written with librdkafka names as users copy them from their provider's console (Java client names are
 * accepted too). This package validates and translates those properties for the Java client and keeps
 * secret values out of every response and log line.
 */
package dev.ferry.cluster;
