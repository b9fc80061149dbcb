package dev.ferry.fault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What one fault did to a keyed stream, from the records the broker acknowledged, the invocations Ferry stored
 * and the calls the handler saw.
 *
 * @param fault           what was done
 * @param produced        records the broker acknowledged
 * @param delivered       produced records stored as one invocation each, completed with success after a 2xx call
 * @param lost            produced records not delivered
 * @param again           2xx calls of a record beyond its first (at-least-once: a call whose answer Ferry lost)
 * @param againBound      how many answers the fault could have made Ferry lose (see {@code boundWhat})
 * @param boundWhat       what {@code againBound} counts
 * @param orderViolations per key, first successful calls out of sequence-number order
 * @param overlaps        calls of one key that started while another of the same key was running
 * @param recovery        longest wait, over keys with work left, from the fault's end to that key's next 2xx call
 * @param recoveryBound   what the target allows for {@code recovery}
 * @param notes           fault-specific figures
 */
record Figures(String fault, int produced, int delivered, int lost, long again, long againBound, String boundWhat,
        int orderViolations, int overlaps, Duration recovery, Duration recoveryBound, String notes) {

    static final String HEADER = """
            | fault | produced | delivered | lost | delivered again (bound) | order violations | overlaps \
            | recovery s (target) | notes |
            | --- | ---: | ---: | ---: | --- | ---: | ---: | --- | --- |""";

    /** Inputs beyond the stream itself. */
    record Fault(String name, List<Long> endNanos, long againBound, String boundWhat, Duration recoveryBound,
            String notes) {
    }

    static Figures of(Fault fault, List<KeyedStream.Produced> produced, List<Invocations.Row> rows,
            List<KeyedStream.Call> calls, List<String> overlaps) {
        Map<String, Invocations.Row> byId = rows.stream()
                .collect(Collectors.toMap(Invocations.Row::id, row -> row));
        Map<String, List<Invocations.Row>> byCoordinates = rows.stream()
                .collect(Collectors.groupingBy(Invocations.Row::coordinates));
        Map<String, Long> successesByCoordinates = new HashMap<>();
        for (KeyedStream.Call call : calls) {
            Invocations.Row row = byId.get(call.invocationId());
            if (call.succeeded() && row != null) {
                successesByCoordinates.merge(row.coordinates(), 1L, Long::sum);
            }
        }
        int delivered = 0;
        long again = 0;
        for (KeyedStream.Produced record : produced) {
            List<Invocations.Row> stored = byCoordinates.getOrDefault(record.coordinates(), List.of());
            long successes = successesByCoordinates.getOrDefault(record.coordinates(), 0L);
            if (stored.size() == 1 && stored.getFirst().succeeded() && successes > 0) {
                delivered++;
            }
            again += Math.max(0, successes - 1);
        }
        return new Figures(fault.name(), produced.size(), delivered, produced.size() - delivered, again,
                fault.againBound(), fault.boundWhat(), orderViolations(calls), overlaps.size(),
                recovery(calls, fault.endNanos()), fault.recoveryBound(), overlaps.isEmpty() ? fault.notes()
                        : (fault.notes() + "; overlapping calls: "
                                + overlaps.subList(0, Math.min(5, overlaps.size()))));
    }

    /** Per key, the first successful call of each sequence number must come in rising order. */
    private static int orderViolations(List<KeyedStream.Call> calls) {
        Map<String, List<Integer>> firstSuccesses = new TreeMap<>();
        Set<String> seen = new HashSet<>();
        calls.stream().filter(KeyedStream.Call::succeeded)
                .sorted(Comparator.comparingLong(KeyedStream.Call::startNanos))
                .forEach(call -> {
                    if (seen.add(call.key() + "#" + call.seq())) {
                        firstSuccesses.computeIfAbsent(call.key(), k -> new ArrayList<>()).add(call.seq());
                    }
                });
        int violations = 0;
        for (List<Integer> seqs : firstSuccesses.values()) {
            for (int i = 1; i < seqs.size(); i++) {
                if (seqs.get(i) <= seqs.get(i - 1)) {
                    violations++;
                }
            }
        }
        return violations;
    }

    /** For each end of the fault, the longest any key waited from it to its next 2xx call; the worst end counts. */
    private static Duration recovery(List<KeyedStream.Call> calls, List<Long> endNanos) {
        long worst = 0;
        for (long end : endNanos) {
            Map<String, Long> firstAfter = new HashMap<>();
            for (KeyedStream.Call call : calls) {
                if (call.succeeded() && call.startNanos() >= end) {
                    firstAfter.merge(call.key(), call.startNanos() - end, Math::min);
                }
            }
            worst = Math.max(worst, firstAfter.values().stream().mapToLong(Long::longValue).max().orElse(0));
        }
        return Duration.ofNanos(worst);
    }

    String row() {
        return "| %s | %d | %d | %d | %d (≤ %d: %s) | %d | %d | %.1f (≤ %.1f) | %s |".formatted(fault, produced,
                delivered, lost, again, againBound, boundWhat, orderViolations, overlaps, seconds(recovery),
                seconds(recoveryBound), notes);
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }
}
