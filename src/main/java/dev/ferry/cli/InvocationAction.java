package dev.ferry.cli;

import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Steers one invocation by id, or every invocation matching filters: {@code POST /invocations/{id}/{action}},
 * or {@code DELETE /invocations/{id}} to purge. A Ferry that does not offer the action yet answers 404 or
 * 405, which is reported as such rather than as a missing invocation.
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

    private int many() {
        JsonNode invocations = client().get(filters.query(limit)).path("invocations");
        if (invocations.isEmpty()) {
            say("No invocations match; nothing was %s.".formatted(done()));
            if (json()) {
                printJson(result(List.of()));
            }
            return 0;
        }
        if (!json()) {
            say("%d invocation(s) match:".formatted(invocations.size()));
            print(InvocationCommands.table(invocations));
        }
        confirm("%s these %d invocation(s)?".formatted(capitalized(action()), invocations.size()),
                "Cancelled: no invocation was %s.".formatted(done()));
        List<String> handled = new ArrayList<>();
        for (JsonNode invocation : invocations) {
            String invocationId = Json.text(invocation, "id");
            try {
                act(invocationId);
            } catch (CliException e) {
                throw new CliException("%s %d of %d invocation(s), then %s: %s".formatted(capitalized(done()),
                        handled.size(), invocations.size(), invocationId, e.getMessage()));
            }
            handled.add(invocationId);
        }
        if (json()) {
            printJson(result(handled));
        } else {
            say("%s %d invocation(s)".formatted(capitalized(done()), handled.size()));
        }
        return 0;
    }

    private ObjectNode result(List<String> handled) {
        ObjectNode result = Json.object().put("action", action());
        ArrayNode ids = result.putArray("ids");
        handled.forEach(ids::add);
        return result;
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
