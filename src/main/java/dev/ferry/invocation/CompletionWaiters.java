package dev.ferry.invocation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Lets callers wait for invocations to complete without a thread each: completions on this instance
 * resolve waiters at once; for invocations completed by another instance, one query on a timer checks
 * every waited id together.
 */
@Component
public class CompletionWaiters {

    private static final Logger log = LoggerFactory.getLogger(CompletionWaiters.class);

    private static final String COMPLETED_OF = "select id from invocations where id = any(?::text[]) and status = "
            + InvocationStatus.COMPLETED.sql();

    private static final String IS_COMPLETED = "select 1 from invocations where id = ? and status = "
            + InvocationStatus.COMPLETED.sql();

    private final JdbcTemplate jdbc;
    private final Map<String, List<CompletableFuture<Void>>> waiters = new ConcurrentHashMap<>();

    CompletionWaiters(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A future that completes once the invocation is completed (at once if it already is). */
    public CompletableFuture<Void> await(String id) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        waiters.computeIfAbsent(id, key -> new CopyOnWriteArrayList<>()).add(future);
        future.whenComplete((ignored, error) -> forget(id, future));
        if (isCompleted(id)) {
            future.complete(null);
        }
        return future;
    }

    /**
     * Resolves waiters once the transaction that completed the invocations has committed (at once when there is
     * none): a waiter woken earlier would read the row before its outcome is visible, or never, if it rolls back.
     */
    @TransactionalEventListener(fallbackExecution = true)
    void on(InvocationsCompleted event) {
        event.ids().forEach(this::resolve);
    }

    @Scheduled(fixedDelayString = "${ferry.ingress.completion-check-interval:500ms}")
    void checkElsewhere() {
        if (waiters.isEmpty()) {
            return;
        }
        try {
            String[] ids = waiters.keySet().toArray(String[]::new);
            jdbc.queryForList(COMPLETED_OF, String.class, (Object) ids).forEach(this::resolve);
        } catch (RuntimeException e) {
            log.warn("Could not check waited invocations: {}", e.getMessage());
        }
    }

    private boolean isCompleted(String id) {
        return !jdbc.queryForList(IS_COMPLETED, Integer.class, id).isEmpty();
    }

    private void resolve(String id) {
        List<CompletableFuture<Void>> waiting = waiters.remove(id);
        if (waiting != null) {
            new ArrayList<>(waiting).forEach(future -> future.complete(null));
        }
    }

    private void forget(String id, CompletableFuture<Void> future) {
        waiters.computeIfPresent(id, (key, list) -> {
            list.remove(future);
            return list.isEmpty() ? null : list;
        });
    }
}
