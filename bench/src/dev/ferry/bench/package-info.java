/**
 * The benchmark behind {@code bench/run}: programs that each run as their own process so their CPU can be told
 * apart (a Kafka broker, a counting HTTP handler, a plain consumer as the ceiling without a database) and the
 * orchestrator that starts them with PostgreSQL and Ferry's jar, drives the scenarios and writes the results.
 * None of these classes is a test; they live on the test classpath because they use its embedded broker.
 */
package dev.ferry.bench;
