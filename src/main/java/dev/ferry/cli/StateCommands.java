package dev.ferry.cli;

import static dev.ferry.cli.AdminClient.segment;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code ferry state}: the state virtual objects keep in Ferry (Restate SDK services and stateful handlers). */
@Command(name = "state", description = "Read and change the state of virtual objects and workflows.",
        subcommands = {StateCommands.Get.class, StateCommands.Set.class, StateCommands.Clear.class})
final class StateCommands extends CommandGroup {

    private static String path(String service, String key) {
        return "/services/" + segment(service) + "/state/" + segment(key);
    }

    @Command(name = "set", description = "Set state keys of one object to JSON values; other keys stay. Refused"
            + " while an exclusive invocation of the object runs.")
    static final class Set extends FerryCommand {

        @Parameters(index = "0", paramLabel = "SERVICE", description = "The virtual object's service.")
        String service;

        @Parameters(index = "1", paramLabel = "KEY", description = "The object's key.")
        String key;

        @Parameters(index = "2..*", arity = "1..*", paramLabel = "NAME=JSON",
                description = "A state key and its JSON value, e.g. balance=0 or owner='\"ann\"'.")
        List<String> assignments;

        @Override
        int run() {
            ObjectNode state = Json.object();
            for (String assignment : assignments) {
                int equals = assignment.indexOf('=');
                if (equals < 1) {
                    throw new CliException("'%s' is not NAME=JSON: write e.g. balance=0.".formatted(assignment));
                }
                String name = assignment.substring(0, equals);
                try {
                    state.set(name, Json.MAPPER.readTree(assignment.substring(equals + 1)));
                } catch (JacksonException e) {
                    throw new CliException(("The value of '%s' is not JSON: quote text as JSON, e.g. %s='\"text\"'.")
                            .formatted(name, name));
                }
            }
            JsonNode stored = client().put(path(service, key) + "?merge=true", Json.object().set("state", state))
                    .body();
            if (json()) {
                printJson(stored);
            } else {
                say("Set %d state key(s) of %s/%s.".formatted(assignments.size(), service, key));
            }
            return 0;
        }
    }

    @Command(name = "clear", description = "Clear state keys of one object, or its whole state without names."
            + " Refused while an exclusive invocation of the object runs.")
    static final class Clear extends FerryCommand {

        @Parameters(index = "0", paramLabel = "SERVICE", description = "The virtual object's service.")
        String service;

        @Parameters(index = "1", paramLabel = "KEY", description = "The object's key.")
        String key;

        @Parameters(index = "2..*", arity = "0..*", paramLabel = "NAME", description = "State keys to clear.")
        List<String> names = new ArrayList<>();

        @Override
        int run() {
            if (names.isEmpty()) {
                confirm("Clear the whole state of %s/%s?".formatted(service, key),
                        "Cancelled: the state of %s/%s was not changed.".formatted(service, key));
            }
            StringBuilder query = new StringBuilder();
            for (String name : names) {
                query.append(query.isEmpty() ? '?' : '&').append("name=").append(segment(name));
            }
            client().delete(path(service, key) + query);
            say(names.isEmpty() ? "Cleared the state of %s/%s.".formatted(service, key)
                    : "Cleared %d state key(s) of %s/%s.".formatted(names.size(), service, key));
            return 0;
        }
    }

    @Command(name = "get", description = "Show the state of one object: each state key and its value.")
    static final class Get extends ViewCommand {

        @Parameters(index = "0", paramLabel = "SERVICE", description = "The virtual object's (or workflow's) service.")
        String service;

        @Parameters(index = "1", paramLabel = "KEY", description = "The object's key.")
        String key;

        @Override
        void show(PrintWriter out) {
            JsonNode state = client().get(path(service, key));
            if (json()) {
                printJson(out, state);
                return;
            }
            Table table = new Table("KEY", "VALUE", "SIZE").keep(0);
            for (JsonNode entry : state.path("state")) {
                JsonNode json = entry.get("json");
                String value = json != null ? json.toString() : "base64:" + Json.text(entry, "base64");
                table.row(Json.text(entry, "key"), value, Json.text(entry, "size"));
            }
            if (table.isEmpty()) {
                out.println("%s/%s has no state.".formatted(service, key));
            } else {
                print(out, table);
            }
        }
    }
}
