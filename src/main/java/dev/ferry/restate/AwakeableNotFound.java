package dev.ferry.restate;

import java.util.Map;

import dev.ferry.web.NotFound;

/** An awakeable id that is not one, or whose invocation is gone or has completed. */
class AwakeableNotFound extends NotFound {

    private AwakeableNotFound(String id, String why) {
        super("awakeable-not-found", "Awakeable not found", "No invocation waits for awakeable '%s': %s."
                .formatted(id, why), Map.of("awakeable_id", id));
    }

    static AwakeableNotFound of(String id, String why) {
        return new AwakeableNotFound(id, why);
    }
}
