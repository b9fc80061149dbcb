package dev.ferry.invocation;

import java.util.Map;

/** Records stored already completed (failed: an invalid key or payload, a duplicate, refused by PostgreSQL). */
record RecordsCompletedOnArrival(Map<Target, Long> counts) {

    record Target(String service, String handler, FailureReason reason) {
    }
}
