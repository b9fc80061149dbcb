package dev.ferry.ingress;

import java.time.Clock;
import java.time.Duration;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.invocation.CompletionWaiters;
import dev.ferry.invocation.InvocationReader;
import dev.ferry.invocation.InvocationResponses;
import dev.ferry.invocation.InvocationStore;
import dev.ferry.invocation.NewInvocation;
import dev.ferry.invocation.Submissions;
import dev.ferry.service.HandlerNotFound;
import dev.ferry.service.HandlerTarget;
import dev.ferry.service.InputFormat;
import dev.ferry.service.ServiceNotFound;
import dev.ferry.service.ServiceRegistry;
import dev.ferry.shared.Ids;
import dev.ferry.shared.JsonValues;
import dev.ferry.shared.StoredText;
import dev.ferry.web.InvalidRequest;
import dev.ferry.web.RequestDurations;

/**
 * The RPC ingress: {@code POST /call/{service}/[{key}/]{handler}} waits for the result,
 * {@code POST /send/...} enqueues (optionally {@code ?delay=10s}). An {@code Idempotency-Key} header
 * makes a repeated request return the invocation of the first.
 */
@RestController
@Tag(name = "ingress", description = "Call handlers directly over HTTP")
class IngressController {

    private static final Duration CALL_TIMEOUT = Duration.ofMinutes(5);

    private final ServiceRegistry services;
    private final InvocationStore store;
    private final InvocationReader reader;
    private final CompletionWaiters waiters;
    private final JsonMapper json;
    private final Clock clock;

    IngressController(ServiceRegistry services, InvocationStore store, InvocationReader reader,
            CompletionWaiters waiters, JsonMapper json, Clock clock) {
        this.services = services;
        this.store = store;
        this.reader = reader;
        this.waiters = waiters;
        this.json = json;
        this.clock = clock;
    }

    record SendResponse(String invocationId, String status) {
    }

    @PostMapping({"/call/{service}/{handler}", "/call/{service}/{key}/{handler}"})
    @Operation(operationId = "call_handler", summary = "Call a handler and wait for its result",
            description = "Runs the handler as an invocation (same retries and per-key exclusivity as records) and"
                    + " answers with the handler's response; the invocation id is in x-ferry-invocation-id.")
    // OpenAPI's RequestBody documents the body that Spring's RequestBody binds
    @SuppressWarnings("checkstyle:inlineQualifiedName")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "The handler's input, passed on as it is",
            content = {@Content(mediaType = "application/json", schema = @Schema(type = "object")),
                    @Content(mediaType = "application/octet-stream",
                            schema = @Schema(type = "string", format = "binary"))})
    @ApiResponse(responseCode = "200", description = "The handler's response, in the content type it answered with",
            content = @Content(mediaType = "*/*", schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(responseCode = "202",
            description = "Still running after five minutes; wait with /invocations/{id}/attach")
    DeferredResult<ResponseEntity<?>> call(@PathVariable String service, @PathVariable(required = false) String key,
            @PathVariable String handler, @RequestBody(required = false) byte[] body,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
        InvocationStore.Submitted submitted = submit(service, key, handler, body, idempotencyKey, null);
        DeferredResult<ResponseEntity<?>> result = new DeferredResult<>(CALL_TIMEOUT.toMillis());
        result.onTimeout(() -> result.setResult(InvocationResponses.stillRunning(submitted.id())));
        waiters.await(submitted.id()).thenRun(() ->
                result.setResult(InvocationResponses.of(reader.output(submitted.id()))));
        return result;
    }

    @PostMapping({"/send/{service}/{handler}", "/send/{service}/{key}/{handler}"})
    @Operation(operationId = "send_to_handler",
            summary = "Enqueue a handler call", description = "Answers 202 at once with the invocation id;"
            + " ?delay=10s schedules it. A repeated Idempotency-Key answers previously_accepted.")
    // OpenAPI's RequestBody documents the body that Spring's RequestBody binds
    @SuppressWarnings("checkstyle:inlineQualifiedName")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "The handler's input, passed on as it is",
            content = {@Content(mediaType = "application/json", schema = @Schema(type = "object")),
                    @Content(mediaType = "application/octet-stream",
                            schema = @Schema(type = "string", format = "binary"))})
    @ApiResponse(responseCode = "202",
            description = "Accepted; the invocation id is in the body and x-ferry-invocation-id")
    ResponseEntity<SendResponse> send(@PathVariable String service, @PathVariable(required = false) String key,
            @PathVariable String handler, @RequestBody(required = false) byte[] body,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestParam(required = false) String delay) {
        InvocationStore.Submitted submitted = submit(service, key, handler, body, idempotencyKey, parseDelay(delay));
        return ResponseEntity.accepted().header("x-ferry-invocation-id", submitted.id())
                .body(new SendResponse(submitted.id(), submitted.existing() ? "previously_accepted" : "accepted"));
    }

    private InvocationStore.Submitted submit(String service, String key, String handler, byte[] body,
            String idempotencyKey, Duration delay) {
        checkStorable(key, idempotencyKey);
        HandlerTarget target = services.findTarget(service, handler).orElseThrow(() -> {
            if (!services.exists(service)) {
                return ServiceNotFound.of(service);
            }
            return HandlerNotFound.of(service, handler);
        });
        if (target.keyed() && key == null) {
            throw InvalidRequest.of("key", "%s is a %s: call it as /call/%s/{key}/%s.".formatted(service,
                    target.serviceType(), service, handler));
        }
        if (!target.keyed() && key != null) {
            throw InvalidRequest.of("key", "%s is a SERVICE and takes no key: call it as /call/%s/%s."
                    .formatted(service, service, handler));
        }
        byte[] input = body == null ? new byte[0] : body;
        String notJson = target.input() == InputFormat.JSON && input.length > 0
                ? JsonValues.problem(json, input) : null;
        if (notJson != null) {
            throw InvalidRequest.of("body", "Handler %s/%s takes JSON, but the request body is not: %s."
                    .formatted(service, handler, notJson) + " Send JSON, or register the handler with input \"raw\".");
        }
        NewInvocation invocation = Submissions.of(target, Ids.next("inv_", clock.instant()), key, input);
        if (target.resultTopic() != null) {
            invocation = invocation.withResultTopic(new NewInvocation.ResultTopic(target.resultTopic().cluster(),
                    target.resultTopic().topic()));
        }
        if (idempotencyKey != null && !idempotencyKey.isBlank()) {
            invocation = invocation.withIdempotencyKey(idempotencyKey);
        }
        if (delay != null && !delay.isZero()) {
            invocation = invocation.notBefore(clock.instant().plus(delay));
        }
        return store.submit(invocation);
    }

    private static Duration parseDelay(String delay) {
        return RequestDurations.nonNegative("delay", delay, RequestDurations.MAX_WAIT);
    }

    /** Keys and idempotency keys are stored and indexed: refuse what PostgreSQL would refuse, up front. */
    private static void checkStorable(String key, String idempotencyKey) {
        String problem = key == null ? null : StoredText.problem("The key", key, StoredText.MAX_KEY_BYTES);
        if (problem != null) {
            throw InvalidRequest.of("key", problem + "; use a shorter key without NUL.");
        }
        problem = idempotencyKey == null ? null
                : StoredText.problem("The Idempotency-Key header", idempotencyKey,
                        StoredText.MAX_IDEMPOTENCY_KEY_BYTES);
        if (problem != null) {
            throw InvalidRequest.of("Idempotency-Key", problem + "; use a shorter idempotency key without NUL.");
        }
    }
}
