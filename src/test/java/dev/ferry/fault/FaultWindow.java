package dev.ferry.fault;

import java.util.Set;
import java.util.stream.Collectors;

/** When a fault was in effect, in {@link System#nanoTime()}. */
record FaultWindow(long begin, long end) {

    /** Invocations the handler answered 2xx while the fault was in effect. */
    Set<String> answeredDuring(KeyedStream stream) {
        return stream.calls().stream()
                .filter(call -> call.succeeded() && call.endNanos() >= begin && call.endNanos() <= end)
                .map(KeyedStream.Call::invocationId).collect(Collectors.toSet());
    }
}
