package dev.ferry.restate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Reads the state of the objects whose invocations start, many objects in one query: the reads asked for while
 * one query runs are answered together by the next. The successors of a batch of outcomes, which start at once,
 * cost one query between them instead of one each. A read sees every state committed before it was asked for.
 */
@Component
class StateReads implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StateReads.class);
    /** Objects per query at most. */
    static final int MAX_BATCH = 500;
    private static final String SELECT = """
            select s.service, s.object_key, s.state_key, s.value
              from object_state s
              join unnest(?::text[], ?::text[]) as u(service, object_key)
                on s.service = u.service and s.object_key = u.object_key
             order by s.service, s.object_key, s.state_key""";

    private record Read(List<String> object, CompletableFuture<Map<String, byte[]>> state) {
    }

    private final JdbcTemplate jdbc;
    private final LinkedBlockingQueue<Read> queue = new LinkedBlockingQueue<>();
    private final Thread thread;

    StateReads(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.thread = Thread.ofPlatform().daemon().name("ferry-state-reads").start(this::loop);
    }

    /** The object's whole state, by state key in key order (empty if it has none), once the read's query ran. */
    CompletableFuture<Map<String, byte[]>> load(String service, String objectKey) {
        CompletableFuture<Map<String, byte[]>> state = new CompletableFuture<>();
        queue.add(new Read(List.of(service, objectKey), state));
        return state;
    }

    private void loop() {
        List<Read> batch = new ArrayList<>();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            answer(batch);
            batch.clear();
        }
        for (Read read = queue.poll(); read != null; read = queue.poll()) {
            read.state().completeExceptionally(new IllegalStateException("Ferry is stopping"));
        }
    }

    private void answer(List<Read> batch) {
        Map<List<String>, Map<String, byte[]>> states = new LinkedHashMap<>();
        batch.forEach(read -> states.putIfAbsent(read.object(), new LinkedHashMap<>()));
        try {
            String[] services = new String[states.size()];
            String[] keys = new String[states.size()];
            int i = 0;
            for (List<String> object : states.keySet()) {
                services[i] = object.get(0);
                keys[i++] = object.get(1);
            }
            jdbc.query(SELECT, row -> {
                states.get(List.of(row.getString(1), row.getString(2))).put(row.getString(3), row.getBytes(4));
            }, services, keys);
        } catch (RuntimeException e) {
            log.debug("Could not read the state of {} object(s): {}", states.size(), e.toString());
            batch.forEach(read -> read.state().completeExceptionally(e));
            return;
        }
        // each reader gets a map of its own: readers of one object may change what they got
        batch.forEach(read -> read.state().complete(new LinkedHashMap<>(states.get(read.object()))));
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
