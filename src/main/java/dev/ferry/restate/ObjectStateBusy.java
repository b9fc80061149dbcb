package dev.ferry.restate;

import java.util.Map;

import dev.ferry.web.Conflict;

/** An operator's change of an object's state, refused while an exclusive invocation of that object runs. */
class ObjectStateBusy extends Conflict {

    private ObjectStateBusy(String service, String key) {
        super("object-state-busy", "Object is busy",
                ("An exclusive invocation of %s/%s is running and will store the state it computes; try again once it"
                        + " completed (GET /invocations?service=%s&key=%s&status=running), or pause the subscription"
                        + " first.").formatted(service, key, service, key),
                Map.of("service", service, "key", key));
    }

    static ObjectStateBusy of(String service, String key) {
        return new ObjectStateBusy(service, key);
    }
}
