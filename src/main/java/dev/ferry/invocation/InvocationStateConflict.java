package dev.ferry.invocation;

import java.util.Map;

import dev.ferry.web.Conflict;

/** An action that the invocation's current status does not allow. */
public class InvocationStateConflict extends Conflict {

    private InvocationStateConflict(String id, String action, String status, String allowed) {
        super("invocation-state", "Invocation is in the wrong state",
                "Invocation %s is %s; %s is possible only when it is %s.".formatted(id, status, action, allowed),
                Map.of("invocation_id", id, "status", status));
    }

    public static InvocationStateConflict of(String id, String action, String status, String allowed) {
        return new InvocationStateConflict(id, action, status, allowed);
    }
}
