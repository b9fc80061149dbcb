package dev.ferry.invocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.ferry.testsupport.FerryInstance;

/**
 * A caller waiting on an invocation ({@code /call}, {@code attach}) is woken only once the transaction that
 * completed it has committed: woken earlier, it read the row before its outcome was visible and answered a failure
 * with neither reason nor message, which happened when an SDK outcome's transaction was retried after a deadlock.
 */
class CompletionWaitersIT {

    private static FerryInstance ferry;

    @BeforeAll
    static void start() {
        ferry = FerryInstance.start("completion_waiters", Map.of());
    }

    @AfterAll
    static void stop() {
        if (ferry != null) {
            ferry.close();
        }
    }

    @Test
    void wakesWaitersAfterTheCompletingTransactionCommitsAndNeverForOneRolledBack() {
        CompletionWaiters waiters = ferry.bean(CompletionWaiters.class);
        ApplicationEventPublisher events = ferry.events();
        TransactionTemplate transactions = new TransactionTemplate(ferry.bean(PlatformTransactionManager.class));

        CompletableFuture<Void> rolledBack = waiters.await("inv_rolledback");
        transactions.executeWithoutResult(status -> {
            events.publishEvent(new InvocationsCompleted(List.of("inv_rolledback")));
            status.setRollbackOnly();
        });
        assertThat(rolledBack).as("waiter of a rolled-back completion").isNotDone();

        CompletableFuture<Void> committed = waiters.await("inv_committed");
        transactions.executeWithoutResult(status -> {
            events.publishEvent(new InvocationsCompleted(List.of("inv_committed")));
            assertThat(committed).as("waiter before the commit").isNotDone();
        });
        assertThat(committed).as("waiter after the commit").isDone();

        CompletableFuture<Void> outside = waiters.await("inv_outside");
        events.publishEvent(new InvocationsCompleted(List.of("inv_outside")));
        assertThat(outside).as("waiter of a completion outside a transaction").isDone();
    }
}
