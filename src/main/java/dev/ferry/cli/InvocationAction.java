package dev.ferry.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Steers one invocation by id ({@code POST /invocations/{id}/{action}}, or {@code DELETE /invocations/{id}}
 * to purge), or every invocation matching filters in one {@code POST /invocations/bulk/{action}}. A Ferry
 * that does not offer the action yet answers 404 or 405, which is reported as such rather than as a missing
 * invocation.
 */
abstract class InvocationAction extends FerryCommand {

    @Parameters(arity = "0..1", paramLabel = "ID", description = "The invocation's id (inv_...); leave out to act on"
            + " every invocation that matches the filters.")
    String id;

    @Mixin
    InvocationCommands.Filters filters;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "1000",
            description = "With filters: act on at most N invocations, newest first (default 1000).")
    int limit;

    @Option(names = "--dry-run", description = "With filters: only show which invocations the action would affect.")
    boolean dryRun;

    /** The action's path segment, e.g. {@code cancel}. */
    abstract String action();

    /** The action in the past tense, e.g. {@code cancelled}. */
    abstract String done();

    AdminClient.Reply send(String invocation) {
        return client().post(InvocationCommands.path(invocation) + "/" + action(), null);
    }

    String request(String invocation) {
        return "POST " + InvocationCommands.path(invocation) + "/" + action();
    }

    @Override
    int run() {
        if (id != null && filters.any()) {
            throw usage("Give an invocation ID or filters, not both.");
        }
        if (id == null && !filters.any()) {
            throw usage("Give an invocation ID, or filters such as --service or --status to %s many."
                    .formatted(action()));
        }
        return id != null ? one() : many();
    }

    private int one() {
        confirm("%s invocation %s?".formatted(capitalized(action()), id),
                "Cancelled: invocation %s was not %s.".formatted(id, done()));
        AdminClient.Reply reply = act(id);
        if (json()) {
            printJson(reply.body().isMissingNode()
                    ? Json.object().put("id", id).put("action", action()) : reply.body());
        } else {
            say("Invocation %s %s".formatted(id, done()));
        }
        return 0;
    }

    /** Every matching invocation in one {@code POST /invocations/bulk/{action}}: a dry run first, to confirm. */
    private int many() {
        String bulk = InvocationCommands.PATH + "/bulk/" + action();
        ObjectNode request = Json.object();
        filters.parameters().forEach(request::put);
        request.put("limit", limit);
        JsonNode matched = bulk(bulk, request.deepCopy().put("dry_run", true));
        int count = matched.path("matched").asInt();
        if (count == 0) {
            say("No invocations match; nothing was %s.".formatted(done()));
            if (json()) {
                printJson(matched);
            }
            return 0;
        }
        if (dryRun) {
            if (json()) {
                printJson(matched);
            } else {
                say("%d invocation(s) would be %s (--dry-run; nothing was changed):".formatted(count, done()));
                print(ids(matched.path("ids")));
            }
            return 0;
        }
        if (!json()) {
            say("%d invocation(s) match:".formatted(count));
            print(ids(matched.path("ids")));
        }
        confirm("%s these %d invocation(s)?".formatted(capitalized(action()), count),
                "Cancelled: no invocation was %s.".formatted(done()));
        JsonNode result = bulk(bulk, request.put("dry_run", false));
        JsonNode failed = result.path("failed");
        if (json()) {
            printJson(result);
        } else {
            say("%s %d invocation(s)".formatted(capitalized(done()), result.path("succeeded").size()));
        }
        for (JsonNode refused : failed) {
            warn("%s was not %s: %s".formatted(Json.text(refused, "id"), done(), Json.text(refused, "reason")));
        }
        return failed.isEmpty() ? 0 : 1;
    }

    private JsonNode bulk(String path, ObjectNode request) {
        try {
            return client().post(path, request).body();
        } catch (ApiProblem problem) {
            if ((problem.status() == 404 || problem.status() == 405) && !problem.isFerryProblem()) {
                throw new CliException("Ferry at %s does not support bulk '%s' yet: POST %s answered %d."
                        .formatted(client().baseUrl(), action(), path, problem.status()));
            }
            throw problem;
        }
    }

    private static Table ids(JsonNode ids) {
        Table table = new Table("ID").keep(0);
        ids.forEach(id -> table.row(id.asString()));
        return table;
    }

    private AdminClient.Reply act(String invocation) {
        try {
            return send(invocation);
        } catch (ApiProblem problem) {
            if ((problem.status() == 404 || problem.status() == 405) && !problem.isFerryProblem()) {
                throw new CliException("Ferry at %s does not support '%s' for invocations yet: %s answered %d."
                        .formatted(client().baseUrl(), action(), request(invocation), problem.status()));
            }
            throw problem;
        }
    }

    private static String capitalized(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }

    @Command(name = "cancel",
            description = "Cancel invocations: they complete with failure 'cancelled' and are not run again.")
    static final class Cancel extends InvocationAction {

        @Override
        String action() {
            return "cancel";
        }

        @Override
        String done() {
            return "cancelled";
        }
    }

    @Command(name = "kill",
            description = "Kill invocations at once, even while running: they complete with failure 'killed'.")
    static final class Kill extends InvocationAction {

        @Override
        String action() {
            return "kill";
        }

        @Override
        String done() {
            return "killed";
        }
    }

    @Command(name = "pause", description = "Pause invocations: no more attempts until resumed.")
    static final class Pause extends InvocationAction {

        @Override
        String action() {
            return "pause";
        }

        @Override
        String done() {
            return "paused";
        }
    }

    @Command(name = "resume",
            description = "Resume paused, backing-off or suspended invocations: run them now.")
    static final class Resume extends InvocationAction {

        @Override
        String action() {
            return "resume";
        }

        @Override
        String done() {
            return "resumed";
        }
    }

    @Command(name = "restart",
            description = "Restart completed invocations as new ones with the same target and input.")
    static final class Restart extends InvocationAction {

        @Override
        String action() {
            return "restart";
        }

        @Override
        String done() {
            return "restarted";
        }
    }

    @Command(name = "purge", description = "Delete completed invocations now.")
    static final class Purge extends InvocationAction {

        @Override
        String action() {
            return "purge";
        }

        @Override
        String done() {
            return "purged";
        }

        @Override
        AdminClient.Reply send(String invocation) {
            return client().delete(InvocationCommands.path(invocation));
        }

        @Override
        String request(String invocation) {
            return "DELETE " + InvocationCommands.path(invocation);
        }
    }
}
