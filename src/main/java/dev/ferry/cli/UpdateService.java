package dev.ferry.cli;

import java.util.ArrayList;
import java.util.Locale;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code ferry services update}: changes a plain HTTP service in place ({@code PATCH /services/NAME}), so its
 * subscriptions keep their ids, consumer groups and offsets. The change is sent with the ETag of the service it
 * was shown against, so a change made in between is refused instead of overwritten.
 */
@Command(name = "update", aliases = "edit",
        description = {"Change a service in place: endpoint, timeout, retry policy, retention, handlers.",
                "Its subscriptions keep consuming where they are. Services of a Restate deployment change by "
                + "registering the deployment again with --force."})
final class UpdateService extends FerryCommand {

    @Parameters(paramLabel = "NAME", description = "The service's name.")
    String name;

    @Option(names = "--endpoint", paramLabel = "URL", description = "The new base URL of the handlers.")
    String endpoint;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Timeout of a call, e.g. 30s.")
    String timeout;

    @Option(names = "--retention", paramLabel = "DURATION", description = "How long completed invocations are kept.")
    String retention;

    @Option(names = "--handler", paramLabel = "NAME[:TYPE[:raw]]", description = "A handler to add, or to replace"
            + " whole if the service has one of that name. Repeatable.")
    ArrayList<String> handlers = new ArrayList<>();

    @Option(names = "--remove-handler", paramLabel = "NAME", description = "A handler to remove; refused while a"
            + " subscription uses it. Repeatable.")
    ArrayList<String> removals = new ArrayList<>();

    @Option(names = "--retry-initial-interval", paramLabel = "DURATION", description = "Retry policy: first wait.")
    String initialInterval;

    @Option(names = "--retry-factor", paramLabel = "FACTOR", description = "Retry policy: growth of each wait.")
    Double factor;

    @Option(names = "--retry-max-interval", paramLabel = "DURATION", description = "Retry policy: longest wait.")
    String maxInterval;

    @Option(names = "--retry-max-attempts", paramLabel = "N", description = "Retry policy: attempts, 0 unlimited.")
    Integer maxAttempts;

    @Option(names = "--retry-on-max-attempts", paramLabel = "pause|kill",
            description = "Retry policy: what happens after the last attempt.")
    String onMaxAttempts;

    @Override
    int run() {
        ObjectNode change = change();
        if (change.isEmpty()) {
            throw usage("Nothing to change: give --endpoint, --timeout, --retention, --handler, --remove-handler or"
                    + " a --retry-* option.");
        }
        AdminClient.Reply current = client().read(ServiceCommands.path(name));
        if (!json()) {
            say("Changes to service %s:".formatted(name));
            print(diff(current.body(), change));
        }
        confirm("Apply these changes to service %s?".formatted(name),
                "Cancelled: service %s was not changed.".formatted(name));
        JsonNode changed = client().patch(ServiceCommands.path(name), change, current.etag()).body();
        if (json()) {
            printJson(changed);
        } else {
            say("Service %s updated; its subscriptions keep consuming".formatted(name));
        }
        return 0;
    }

    private ObjectNode change() {
        ObjectNode change = Json.object();
        putIfGiven(change, "endpoint", endpoint);
        putIfGiven(change, "timeout", timeout);
        putIfGiven(change, "retention", retention);
        if (!handlers.isEmpty()) {
            ArrayNode list = change.putArray("handlers");
            handlers.forEach(spec -> list.add(ServiceCommands.handler(this, spec)));
        }
        if (!removals.isEmpty()) {
            ArrayNode list = change.putArray("remove_handlers");
            removals.forEach(list::add);
        }
        ObjectNode retry = Json.object();
        putIfGiven(retry, "initial_interval", initialInterval);
        if (factor != null) {
            retry.put("factor", factor);
        }
        putIfGiven(retry, "max_interval", maxInterval);
        if (maxAttempts != null) {
            retry.put("max_attempts", maxAttempts);
        }
        if (onMaxAttempts != null) {
            String onMax = onMaxAttempts.strip().toLowerCase(Locale.ROOT);
            if (!onMax.equals("pause") && !onMax.equals("kill")) {
                throw usage("--retry-on-max-attempts '%s' is not pause or kill.".formatted(onMaxAttempts));
            }
            retry.put("on_max_attempts", onMax);
        }
        if (!retry.isEmpty()) {
            change.set("retry_policy", retry);
        }
        return change;
    }

    private static void putIfGiven(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static Table diff(JsonNode current, ObjectNode change) {
        Table table = new Table("FIELD", "OLD", "NEW").keep(0);
        for (String field : new String[] {"endpoint", "timeout", "retention"}) {
            if (change.has(field)) {
                table.row(field, Json.text(current, field), Json.text(change, field));
            }
        }
        if (change.has("retry_policy")) {
            table.row("retry_policy", ServiceCommands.retry(current.path("retry_policy")),
                    ServiceCommands.retry(change.path("retry_policy")));
        }
        for (JsonNode handler : change.path("handlers")) {
            String handlerName = Json.text(handler, "name");
            boolean known = false;
            for (JsonNode existing : current.path("handlers")) {
                known |= handlerName.equals(Json.text(existing, "name"));
            }
            table.row("handler " + handlerName, known ? "(replaced)" : null, describe(handler));
        }
        for (JsonNode removal : change.path("remove_handlers")) {
            table.row("handler " + removal.asString(), "(removed)", null);
        }
        return table;
    }

    private static String describe(JsonNode handler) {
        String type = Json.text(handler, "type");
        String input = Json.text(handler, "input");
        return (type == null ? "default type" : type) + (input == null ? "" : ", " + input + " input");
    }
}
