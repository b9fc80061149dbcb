package dev.ferry.cli;

import static dev.ferry.cli.AdminClient.segment;

import java.io.PrintWriter;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code ferry state}: the state Restate SDK virtual objects keep in Ferry. */
@Command(name = "state", description = "Read the state of Restate SDK virtual objects and workflows.",
        subcommands = {StateCommands.Get.class})
final class StateCommands extends CommandGroup {

    @Command(name = "get", description = "Show the state of one object: each state key and its value.")
    static final class Get extends ViewCommand {

        @Parameters(index = "0", paramLabel = "SERVICE", description = "The virtual object's (or workflow's) service.")
        String service;

        @Parameters(index = "1", paramLabel = "KEY", description = "The object's key.")
        String key;

        @Override
        void show(PrintWriter out) {
            JsonNode state = client().get("/services/" + segment(service) + "/state/" + segment(key));
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
