package dev.ferry.invocation;

import java.util.Map;

import dev.ferry.web.NotFound;

/** No invocation has the given id (it may have been purged after its retention period). */
public class InvocationNotFound extends NotFound {

    private InvocationNotFound(String id) {
        super("invocation-not-found", "Invocation not found",
                "No invocation has id '%s'; completed invocations are purged after their retention period."
                        .formatted(id),
                Map.of("invocation_id", id));
    }

    public static InvocationNotFound of(String id) {
        return new InvocationNotFound(id);
    }
}
