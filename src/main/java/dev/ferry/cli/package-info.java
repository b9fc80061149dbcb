/**
 * The {@code ferry} command-line client: {@code kafka-clusters} ({@code kc}), {@code subscriptions}
 * ({@code sub}), {@code services} and {@code invocations} ({@code inv}), with the command names users already
 * type for Restate. It talks to Ferry only through the REST API, with the JDK's HTTP client and Jackson, and
 * does not start Spring, so it starts in a fraction of a second; {@code ./mvnw package} builds it into
 * {@code target/ferry-cli.jar}, which {@code bin/ferry} runs. Secret properties are masked in all its output.
 */
package dev.ferry.cli;
