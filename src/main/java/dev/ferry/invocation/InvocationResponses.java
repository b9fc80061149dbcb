package dev.ferry.invocation;

import java.net.URI;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/** HTTP answers about invocations, shared by the invocation API and the RPC ingress. */
public final class InvocationResponses {

    private InvocationResponses() {
    }

    /** The handler's result with its content type, or a problem saying why the invocation failed. */
    public static ResponseEntity<?> of(InvocationReader.Output output) {
        InvocationView invocation = output.invocation();
        if ("success".equals(invocation.completion())) {
            MediaType type = output.contentType() == null ? MediaType.APPLICATION_JSON
                    : MediaType.parseMediaType(output.contentType());
            return ResponseEntity.ok().header("x-ferry-invocation-id", invocation.id()).contentType(type)
                    .body(output.result() == null ? new byte[0] : output.result());
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "Invocation %s completed with failure (%s): %s".formatted(invocation.id(), invocation.failureReason(),
                        invocation.lastFailure()));
        problem.setTitle("Invocation failed");
        problem.setType(URI.create("https://ferry.dev/problems/invocation-failed"));
        problem.setProperty("invocation_id", invocation.id());
        problem.setProperty("failure_reason", invocation.failureReason());
        return ResponseEntity.internalServerError().header("x-ferry-invocation-id", invocation.id()).body(problem);
    }

    /** 202 for an invocation that has not completed while its caller waited: where to wait for it next. */
    public static ResponseEntity<?> stillRunning(String id) {
        return ResponseEntity.accepted().header("x-ferry-invocation-id", id)
                .body(Map.of("invocation_id", id, "status", "running",
                        "detail", "Still running; wait for it with GET /invocations/" + id + "/attach."));
    }
}
