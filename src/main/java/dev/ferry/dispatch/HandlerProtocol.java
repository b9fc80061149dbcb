package dev.ferry.dispatch;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.ferry.invocation.ClaimedInvocation;
import dev.ferry.service.HandlerTarget;

/**
 * One way of calling a handler: builds the request of a claimed invocation, sends it and reads the answer
 * into an {@link AttemptResult}. The dispatcher decides what follows from that result, so a protocol never
 * retries, records nor schedules. Implementations are Spring beans, found by {@link #name()}; Spring closes
 * them when the application stops.
 */
public interface HandlerProtocol extends AutoCloseable {

    /** The name a service gives to speak this protocol. */
    String name();

    /**
     * Calls the handler once, without a thread waiting for the answer. The future never completes
     * exceptionally for a handler's failure: a failure is a {@link CallResult.Retryable}, a
     * {@link CallResult.Terminal} or a {@link CallResult.Paused}. Cancelling it means its outcome is no longer wanted.
     */
    CompletableFuture<AttemptResult> call(HandlerTarget target, ClaimedInvocation invocation, Duration timeout);

    @Override
    default void close() {
    }
}
