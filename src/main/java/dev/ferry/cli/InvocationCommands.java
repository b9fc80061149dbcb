package dev.ferry.cli;

import static dev.ferry.cli.AdminClient.segment;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/** {@code ferry invocations} ({@code inv}): list, describe and steer invocations. */
@Command(name = "invocations", aliases = "inv",
        description = "Inspect and steer invocations: one request to run one handler.",
        subcommands = {InvocationCommands.List.class, InvocationCommands.Describe.class, InvocationAction.Cancel.class,
                InvocationAction.Kill.class, InvocationAction.Pause.class, InvocationAction.Resume.class,
                InvocationAction.Restart.class, InvocationAction.Purge.class})
final class InvocationCommands extends CommandGroup {

    static final String PATH = "/invocations";

    static String path(String id) {
        return PATH + "/" + segment(id);
    }

    /** The API's filters for listing invocations. */
    static final class Filters {

        @Option(names = "--subscription", paramLabel = "ID", description = "Only invocations from this subscription.")
        String subscription;

        @Option(names = "--service", paramLabel = "NAME", description = "Only invocations of this service.")
        String service;

        @Option(names = "--handler", paramLabel = "NAME", description = "Only invocations of this handler.")
        String handler;

        @Option(names = "--key", paramLabel = "KEY", description = "Only invocations with this object key.")
        String key;

        @Option(names = "--status", paramLabel = "STATUS", description = "Only this status: pending, scheduled, ready,"
                + " running, backing-off, paused, suspended or completed.")
        String status;

        @Option(names = "--completion", paramLabel = "COMPLETION", description = "Only completed invocations that"
                + " ended so: success or failure.")
        String completion;

        @Option(names = "--created-after", paramLabel = "TIME", description = "Only those created after this"
                + " instant, e.g. 2026-01-31T12:00:00Z.")
        String createdAfter;

        @Option(names = "--created-before", paramLabel = "TIME", description = "Only those created before this"
                + " instant.")
        String createdBefore;

        boolean any() {
            return !parameters().isEmpty();
        }

        /** The filters given, by the API's parameter names. */
        Map<String, String> parameters() {
            Map<String, String> parameters = new LinkedHashMap<>();
            put(parameters, "subscription", subscription);
            put(parameters, "service", service);
            put(parameters, "handler", handler);
            put(parameters, "key", key);
            put(parameters, "status", status);
            put(parameters, "completion", completion);
            put(parameters, "created_after", createdAfter);
            put(parameters, "created_before", createdBefore);
            return parameters;
        }

        String query(int limit) {
            return query(limit, null);
        }

        String query(int limit, String cursor) {
            Map<String, Object> parameters = new LinkedHashMap<>(parameters());
            parameters.put("limit", limit);
            parameters.put("cursor", cursor);
            return AdminClient.withQuery(PATH, parameters);
        }

        /** How many invocations match, from {@code /invocations/counts} (which takes every filter but status). */
        long count(AdminClient client) {
            Map<String, Object> parameters = new LinkedHashMap<>(parameters());
            parameters.remove("status");
            JsonNode counts = client.get(AdminClient.withQuery(PATH + "/counts", parameters)).path("counts");
            if (status != null) {
                return counts.path(status).asLong();
            }
            long total = 0;
            for (JsonNode count : counts) {
                total += count.asLong();
            }
            return total;
        }

        private static void put(Map<String, String> parameters, String name, String value) {
            if (value != null) {
                parameters.put(name, value);
            }
        }
    }

    /** The status in one cell, e.g. {@code completed: failure (invalid-key)}. */
    static String status(JsonNode invocation) {
        String status = Json.text(invocation, "status");
        String completion = Json.text(invocation, "completion");
        String reason = Json.text(invocation, "failure_reason");
        return status + (completion == null ? "" : ": " + completion) + (reason == null ? "" : " (" + reason + ")");
    }

    static Table table(JsonNode invocations) {
        Table table = new Table("ID", "TARGET", "STATUS", "ATTEMPTS").keep(0);
        for (JsonNode invocation : invocations) {
            table.row(Json.text(invocation, "id"), Json.text(invocation, "target"), status(invocation),
                    invocation.path("attempts").asInt());
        }
        return table;
    }

    @Command(name = "list", aliases = "ls", description = "List invocations, newest first, a page at a time.")
    static final class List extends ViewCommand {

        @Mixin
        Filters filters;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
                description = "At most N per page (default 50, up to 1000).")
        int limit;

        @Option(names = "--all", description = "Every matching invocation: follow the pages to the end.")
        boolean all;

        @Option(names = "--cursor", paramLabel = "CURSOR", description = "Start at this page, as a previous list"
                + " named it.")
        String cursor;

        @Override
        void show(PrintWriter out) {
            ArrayNode invocations = Json.MAPPER.createArrayNode();
            JsonNode page = client().get(filters.query(limit, cursor));
            invocations.addAll((ArrayNode) page.path("invocations"));
            while (all && Json.text(page, "next_cursor") != null) {
                page = client().get(filters.query(limit, Json.text(page, "next_cursor")));
                invocations.addAll((ArrayNode) page.path("invocations"));
            }
            String next = Json.text(page, "next_cursor");
            if (json()) {
                printJson(out, all ? Json.object().set("invocations", invocations) : page);
                return;
            }
            Table table = table(invocations);
            if (table.isEmpty()) {
                out.println(filters.any() ? "No invocations match." : "No invocations.");
                return;
            }
            print(out, table);
            if (next != null) {
                long more = cursor == null ? filters.count(client()) - invocations.size() : -1;
                out.println();
                out.println((more > 0 ? "%d more invocation(s) match. ".formatted(more) : "More invocations match. ")
                        + "List them all with --all, or the next page with --cursor " + next);
            }
        }
    }

    @Command(name = "describe", aliases = "get",
            description = "Show an invocation: target, status, attempts, last failure, origin, times and, for a"
                    + " Restate SDK handler, its journal.")
    static final class Describe extends ViewCommand {

        @Parameters(paramLabel = "ID", description = "The invocation's id (inv_...).")
        String id;

        @Override
        void show(PrintWriter out) {
            JsonNode invocation = client().get(path(id));
            if (json()) {
                printJson(out, invocation);
                return;
            }
            print(out, new Fields()
                    .add("ID", Json.text(invocation, "id"))
                    .add("Target", Json.text(invocation, "target"))
                    .add("Status", status(invocation))
                    .add("Attempts", invocation.path("attempts").asInt())
                    .add("Next attempt", Times.shown(Json.text(invocation, "next_attempt_at")))
                    .add("Last failure", Json.text(invocation, "last_failure"))
                    .add("Origin", origin(invocation.path("origin")))
                    .add("Created at", Times.shown(Json.text(invocation, "created_at")))
                    .add("Modified at", Times.shown(Json.text(invocation, "modified_at")))
                    .add("First running at", Times.shown(Json.text(invocation, "first_running_at")))
                    .add("Completed at", Times.shown(Json.text(invocation, "completed_at"))));
            JsonNode journal = invocation.path("journal");
            if (!journal.isEmpty()) {
                Table table = new Table("#", "ENTRY", "NAME", "VALUE").keep(0).keep(1);
                for (JsonNode entry : journal) {
                    table.row(Json.text(entry, "index"), Json.text(entry, "type"), Json.text(entry, "name"),
                            Json.text(entry, "value"));
                }
                out.println();
                out.println("Journal:");
                print(out, table);
            }
        }

        private static String origin(JsonNode origin) {
            String subscription = Json.text(origin, "subscription_id");
            if (subscription == null) {
                return Json.text(origin, "type");
            }
            return "%s, %s partition %s offset %s".formatted(subscription, Json.text(origin, "topic"),
                    Json.text(origin, "partition"), Json.text(origin, "offset"));
        }
    }
}
