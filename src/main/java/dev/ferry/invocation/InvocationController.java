package dev.ferry.invocation;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

import dev.ferry.web.InvalidRequest;

/** The {@code /invocations} resource: listing, describing and steering invocations. */
@RestController
@RequestMapping("/invocations")
@Tag(name = "invocations", description = "Durable requests to run handlers")
class InvocationController {

    private static final Duration ATTACH_TIMEOUT = Duration.ofMinutes(5);

    private final InvocationReader reader;
    private final InvocationSteering steering;
    private final CompletionWaiters waiters;

    InvocationController(InvocationReader reader, InvocationSteering steering, CompletionWaiters waiters) {
        this.reader = reader;
        this.steering = steering;
        this.waiters = waiters;
    }

    record InvocationList(List<InvocationView> invocations, String nextCursor) {
    }

    record Counts(Map<String, Long> counts) {
    }

    record ActionResult(String invocationId, String action, String status) {
    }

    /**
     * A filter for bulk actions; absent fields match everything, so a filter without any field is refused
     * unless {@code all} is true.
     */
    record BulkRequest(String subscription, String service, String handler, String key, String status,
            String completion, Instant createdAfter, Instant createdBefore, Integer limit, Boolean dryRun,
            @Schema(description = "Must be true to act on every invocation when no other filter is given")
            Boolean all) {
    }

    @GetMapping
    @Operation(operationId = "list_invocations",
            summary = "List invocations", description = "Newest first (order=oldest for oldest first), filtered"
            + " by subscription, service, handler, key, status, completion and creation time; page with cursor.")
    InvocationList list(@RequestParam(required = false) String subscription,
            @RequestParam(required = false) String service, @RequestParam(required = false) String handler,
            @RequestParam(required = false) String key, @RequestParam(required = false) String status,
            @RequestParam(required = false) String completion,
            @RequestParam(name = "created_after", required = false) Instant createdAfter,
            @RequestParam(name = "created_before", required = false) Instant createdBefore,
            @RequestParam(required = false) String cursor, @RequestParam(defaultValue = "newest") String order,
            @RequestParam(defaultValue = "50") int limit) {
        InvocationReader.Page page = reader.list(QueryChecks.checked(new InvocationQuery(subscription, service,
                handler, key, status, completion, createdAfter, createdBefore, cursor, oldestFirst(order), limit)));
        return new InvocationList(page.invocations(), page.nextCursor());
    }

    @GetMapping("/counts")
    @Operation(operationId = "count_invocations",
            summary = "Count invocations by status", description = "With the same filters as the list.")
    Counts counts(@RequestParam(required = false) String subscription, @RequestParam(required = false) String service,
            @RequestParam(required = false) String handler, @RequestParam(required = false) String key,
            @RequestParam(required = false) String completion,
            @RequestParam(name = "created_after", required = false) Instant createdAfter,
            @RequestParam(name = "created_before", required = false) Instant createdBefore) {
        return new Counts(reader.countByStatus(QueryChecks.checked(new InvocationQuery(subscription, service,
                handler, key, null, completion, createdAfter, createdBefore, null, false, 1))));
    }

    @GetMapping("/{id}")
    @Operation(operationId = "get_invocation",
            summary = "Describe an invocation", description = "Target, key, origin, input (size-capped),"
            + " headers, status, attempts, next attempt, last failure, result and timestamps.")
    InvocationDetails get(@PathVariable String id) {
        return reader.details(id);
    }

    @PostMapping("/{id}/{action}")
    @Operation(operationId = "act_on_invocation",
            summary = "Act on an invocation", description = "cancel, kill, pause, resume or restart; 409 when"
            + " its status does not allow it. restart returns the new invocation's id.")
    ActionResult act(@PathVariable String id, @PathVariable String action) {
        SteeringAction parsed = action(action);
        if (parsed == SteeringAction.PURGE) {
            throw InvalidRequest.of("action", "Purge an invocation with DELETE /invocations/" + id + ".");
        }
        String result = steering.apply(id, parsed);
        return new ActionResult(result, parsed.wire(), reader.get(result).status());
    }

    @DeleteMapping("/{id}")
    @Operation(operationId = "purge_invocation",
            summary = "Purge a completed invocation", description = "409 unless it is completed.")
    @ApiResponse(responseCode = "204", description = "Purged")
    ResponseEntity<Void> purge(@PathVariable String id) {
        steering.apply(id, SteeringAction.PURGE);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/bulk/{action}")
    @Operation(operationId = "act_on_invocations",
            summary = "Act on every invocation matching a filter", description = "cancel, kill, pause, resume,"
            + " restart or purge; at most 'limit' (default 1000, at most 10000); dry_run says what would be affected."
            + " An empty filter is refused unless \"all\": true.")
    InvocationSteering.BulkResult bulk(@PathVariable String action, @RequestBody BulkRequest request) {
        InvocationQuery query = new InvocationQuery(request.subscription(), request.service(), request.handler(),
                request.key(), request.status(), request.completion(), request.createdAfter(),
                request.createdBefore(), null, true, request.limit() == null ? 1000 : request.limit());
        QueryChecks.checked(query);
        if (!QueryChecks.filtersAnything(query) && !Boolean.TRUE.equals(request.all())) {
            throw InvalidRequest.of("all", "The filter is empty, so the action would apply to every invocation:"
                    + " give a filter (service, status, ...), or send \"all\": true to mean every invocation.");
        }
        return steering.applyAll(query, action(action), Boolean.TRUE.equals(request.dryRun()));
    }

    @GetMapping("/{id}/output")
    @Operation(operationId = "get_invocation_output",
            summary = "The result of a completed invocation", description = "409 while it is not completed.")
    @ApiResponse(responseCode = "200", description = "The handler's response, in the content type it answered with",
            content = @Content(mediaType = "*/*", schema = @Schema(type = "string", format = "binary")))
    ResponseEntity<?> output(@PathVariable String id) {
        InvocationReader.Output output = reader.output(id);
        if (!output.invocation().status().equals(InvocationStatus.COMPLETED.wire())) {
            throw InvocationStateConflict.of(id, "reading its output", output.invocation().status(),
                    InvocationStatus.COMPLETED.wire());
        }
        return InvocationResponses.of(output);
    }

    @GetMapping("/{id}/attach")
    @Operation(operationId = "attach_invocation",
            summary = "Wait for an invocation and return its result", description = "Returns once it completes.")
    @ApiResponse(responseCode = "200", description = "The handler's response, in the content type it answered with",
            content = @Content(mediaType = "*/*", schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(responseCode = "202", description = "Still running after five minutes; attach again")
    DeferredResult<ResponseEntity<?>> attach(@PathVariable String id) {
        reader.get(id);
        DeferredResult<ResponseEntity<?>> result = new DeferredResult<>(ATTACH_TIMEOUT.toMillis());
        result.onTimeout(() -> result.setResult(InvocationResponses.stillRunning(id)));
        waiters.await(id).thenRun(() -> result.setResult(InvocationResponses.of(reader.output(id))));
        return result;
    }

    private static boolean oldestFirst(String order) {
        return switch (order) {
            case "newest" -> false;
            case "oldest" -> true;
            default -> throw InvalidRequest.of("order", "order must be newest or oldest, not '%s'.".formatted(order));
        };
    }

    private static SteeringAction action(String action) {
        return SteeringAction.fromWire(action).orElseThrow(() -> InvalidRequest.of("action",
                "Action '%s' is not known: use cancel, kill, pause, resume, restart or purge.".formatted(action)));
    }
}
