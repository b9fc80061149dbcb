package dev.ferry.restate;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Completes awakeables from outside, on the paths Restate's ingress serves: {@code resolve} with the body as the
 * value the handler gets, {@code reject} with the body as the failure's message. The waiting invocation wakes up.
 */
@RestController
class AwakeableController {

    private final JournalStore journals;
    private final TransactionTemplate transactions;
    private final Clock clock;

    AwakeableController(JournalStore journals, TransactionTemplate transactions, Clock clock) {
        this.journals = journals;
        this.transactions = transactions;
        this.clock = clock;
    }

    @PostMapping("/restate/awakeables/{id}/resolve")
    @Operation(operationId = "resolve_awakeable", summary = "Resolve an awakeable",
            description = "The body is the value; 202, or 404 when no invocation waits for it.")
    @ApiResponse(responseCode = "202", description = "Resolved; the waiting invocation wakes up")
    ResponseEntity<Void> resolve(@PathVariable String id, @RequestBody(required = false) byte[] body) {
        return complete(id, body == null ? new byte[0] : body, null);
    }

    @PostMapping("/restate/awakeables/{id}/reject")
    @Operation(operationId = "reject_awakeable", summary = "Reject an awakeable",
            description = "The body is the failure's message; 202, or 404 when no invocation waits for it.")
    @ApiResponse(responseCode = "202", description = "Rejected; the waiting invocation wakes up")
    ResponseEntity<Void> reject(@PathVariable String id, @RequestBody(required = false) byte[] body) {
        String reason = body == null || body.length == 0 ? "rejected" : new String(body, StandardCharsets.UTF_8);
        return complete(id, null, reason);
    }

    private ResponseEntity<Void> complete(String id, byte[] value, String failure) {
        Awakeables.Awakeable awakeable = Awakeables.decode(id).orElseThrow(() -> AwakeableNotFound.of(id,
                "an awakeable id starts with " + Awakeables.PREFIX + " followed by base64"));
        PendingCompletion completion = new PendingCompletion(clock.instant(),
                Awakeables.notification(awakeable.signal(), value, failure), awakeable.invocationId());
        Integer owed = transactions.execute(status -> journals.owe(awakeable.invocationId(), List.of(completion),
                clock.instant()));
        if (owed == null || owed == 0) {
            throw AwakeableNotFound.of(id, "its invocation " + awakeable.invocationId() + " is gone or completed");
        }
        return ResponseEntity.accepted().build();
    }
}
