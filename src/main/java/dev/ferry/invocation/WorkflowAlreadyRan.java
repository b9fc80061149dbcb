package dev.ferry.invocation;

import java.util.Map;

import dev.ferry.web.Conflict;

/** A workflow's run handler was called for a key that already ran. */
public class WorkflowAlreadyRan extends Conflict {

    private WorkflowAlreadyRan(String service, String key) {
        super("workflow-already-ran", "Workflow already ran",
                "Workflow %s already ran for key '%s'; a workflow runs once per key. Use a new key, or read the"
                        .formatted(service, key) + " earlier run with GET /invocations?service=%s&key=%s."
                        .formatted(service, key),
                Map.of("service", service, "key", key));
    }

    public static WorkflowAlreadyRan of(String service, String key) {
        return new WorkflowAlreadyRan(service, key);
    }
}
