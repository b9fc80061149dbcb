package dev.ferry.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The options every command takes, before or after its name: {@code ferry --json kc list} or
 * {@code ferry kc list --json}.
 */
final class CommonOptions {

    @Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "URL", description = {
            "Ferry's API; default: $FERRY_ADMIN_URL,", "else " + CliEnvironment.DEFAULT_URL + ".",
            "Sends $FERRY_TOKEN as a bearer token if set: a read-only",
            "token for list and describe, an admin token for the rest."})
    String url;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print the API's JSON instead of tables.")
    boolean json;

    @Option(names = {"-y", "--yes"}, scope = ScopeType.INHERIT, description = "Do not ask for confirmation.")
    boolean yes;
}
