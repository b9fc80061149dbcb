package dev.ferry.restate;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The state of virtual objects: one row per service, object key and state key. */
@Repository
public class StateStore {

    private static final String UPSERT_ALL = """
            insert into object_state (service, object_key, state_key, value, modified_at)
            select u.service, u.object_key, u.state_key, u.value, ?
              from unnest(?::text[], ?::text[], ?::text[], ?::bytea[]) as u(service, object_key, state_key, value)
            on conflict (service, object_key, state_key)
            do update set value = excluded.value, modified_at = excluded.modified_at""";

    private final JdbcTemplate jdbc;

    public StateStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** An object's whole state, by state key in key order; empty if it has none. */
    public Map<String, byte[]> load(String service, String objectKey) {
        Map<String, byte[]> state = new LinkedHashMap<>();
        jdbc.query("select state_key, value from object_state where service = ? and object_key = ? order by state_key",
                row -> {
                    state.put(row.getString(1), row.getBytes(2));
                }, service, objectKey);
        return state;
    }

    /** The state changes of one object, as one append made them. */
    record ObjectChanges(String service, String objectKey, List<StateChange> changes) {
    }

    /**
     * Applies the state changes of many appends inside the caller's transaction, in the order given: in rounds in
     * which each object appears once (an object's later changes wait for the next round), each round in as few
     * statements as it can.
     */
    void applyAll(List<ObjectChanges> objects, Instant now) {
        List<ObjectChanges> rest = objects;
        while (!rest.isEmpty()) {
            Set<List<String>> seen = new HashSet<>();
            List<ObjectChanges> round = new ArrayList<>();
            List<ObjectChanges> later = new ArrayList<>();
            for (ObjectChanges object : rest) {
                (seen.add(List.of(object.service(), object.objectKey())) ? round : later).add(object);
            }
            applyRound(round, now);
            rest = later;
        }
    }

    /**
     * Applies the changes of objects that are all different: the values the objects that only set state end with,
     * in one statement; the changes of the others in order.
     */
    private void applyRound(List<ObjectChanges> objects, Instant now) {
        List<String> services = new ArrayList<>();
        List<String> objectKeys = new ArrayList<>();
        List<String> stateKeys = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        for (ObjectChanges object : objects) {
            if (object.changes().stream().allMatch(StateChange.Set.class::isInstance)) {
                Map<String, byte[]> last = new LinkedHashMap<>();
                object.changes().forEach(change -> change.applyTo(last));
                last.forEach((key, value) -> {
                    services.add(object.service());
                    objectKeys.add(object.objectKey());
                    stateKeys.add(key);
                    values.add(value);
                });
            } else {
                apply(object.service(), object.objectKey(), object.changes(), now);
            }
        }
        if (!services.isEmpty()) {
            jdbc.update(UPSERT_ALL, Timestamp.from(now), services.toArray(String[]::new),
                    objectKeys.toArray(String[]::new), stateKeys.toArray(String[]::new), values.toArray(byte[][]::new));
        }
    }

    /** Applies state changes in order; runs inside the caller's transaction. */
    void apply(String service, String objectKey, List<StateChange> changes, Instant now) {
        for (StateChange change : changes) {
            switch (change) {
                case StateChange.Set set -> jdbc.update("""
                        insert into object_state (service, object_key, state_key, value, modified_at)
                        values (?, ?, ?, ?, ?)
                        on conflict (service, object_key, state_key)
                        do update set value = excluded.value, modified_at = excluded.modified_at""",
                        service, objectKey, set.key(), set.value(), Timestamp.from(now));
                case StateChange.Clear clear -> jdbc.update(
                        "delete from object_state where service = ? and object_key = ? and state_key = ?",
                        service, objectKey, clear.key());
                case StateChange.ClearAll clearAll -> jdbc.update(
                        "delete from object_state where service = ? and object_key = ?", service, objectKey);
            }
        }
    }
}
