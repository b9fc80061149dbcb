package dev.ferry.restate;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import dev.ferry.invocation.AttemptFence;

/**
 * What operators do to object state: list the objects of a service, replace or clear one object's state. A change
 * locks the object's active invocations first and is refused while one of them runs, so an operator never writes
 * under an exclusive handler that will store what it computed from the state before.
 */
@Component
class ObjectStateAdmin {

    /** One object that has state: its key, how many names and bytes it holds, and when it last changed. */
    record ObjectSummary(String key, int names, long size, Instant modifiedAt) {
    }

    /** A page of objects and the cursor of the next, or null. */
    record Page(List<ObjectSummary> objects, String nextCursor) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final StateStore store;
    private final AttemptFence fence;
    private final Clock clock;

    ObjectStateAdmin(JdbcTemplate jdbc, TransactionTemplate transactions, StateStore store, AttemptFence fence,
            Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.store = store;
        this.fence = fence;
        this.clock = clock;
    }

    Page list(String service, String cursor, int limit) {
        String after = cursor == null ? null
                : new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        List<ObjectSummary> objects = jdbc.query("""
                select object_key, count(*), sum(octet_length(state_key) + octet_length(value)), max(modified_at)
                  from object_state
                 where service = ? and (?::text is null or object_key > ?::text)
                 group by object_key
                 order by object_key
                 limit ?""", (row, n) -> new ObjectSummary(row.getString(1), row.getInt(2), row.getLong(3),
                row.getTimestamp(4).toInstant()), service, after, after, limit + 1);
        if (objects.size() <= limit) {
            return new Page(objects, null);
        }
        List<ObjectSummary> page = new ArrayList<>(objects.subList(0, limit));
        return new Page(page, Base64.getUrlEncoder().withoutPadding()
                .encodeToString(page.getLast().key().getBytes(StandardCharsets.UTF_8)));
    }

    /** Sets the given names (and, unless {@code merge}, clears all others) unless the object is busy. */
    void put(String service, String key, Map<String, byte[]> state, boolean merge) {
        change(service, key, () -> {
            List<StateChange> changes = new ArrayList<>();
            if (!merge) {
                changes.add(new StateChange.ClearAll());
            }
            state.forEach((name, value) -> changes.add(new StateChange.Set(name, value)));
            store.apply(service, key, changes, clock.instant());
        });
    }

    /** Clears the given names, or all of them when none is given, unless the object is busy. */
    void clear(String service, String key, List<String> names) {
        change(service, key, () -> store.apply(service, key, names.isEmpty() ? List.of(new StateChange.ClearAll())
                : names.stream().<StateChange>map(StateChange.Clear::new).toList(), clock.instant()));
    }

    /** The whole state after a change of {@code state} (merged or not) would hold this many bytes. */
    long sizeAfter(String service, String key, Map<String, byte[]> state, boolean merge) {
        Map<String, byte[]> after = merge ? store.load(service, key) : new LinkedHashMap<>();
        after.putAll(state);
        return after.entrySet().stream().mapToLong(entry -> entry.getKey().getBytes(StandardCharsets.UTF_8).length
                + entry.getValue().length).sum();
    }

    private void change(String service, String key, Runnable write) {
        transactions.executeWithoutResult(status -> {
            if (fence.lockExclusive(service, key)) {
                throw ObjectStateBusy.of(service, key);
            }
            write.run();
        });
    }
}
