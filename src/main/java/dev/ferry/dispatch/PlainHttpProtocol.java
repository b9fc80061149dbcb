package dev.ferry.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.invocation.AttemptFence;
import dev.ferry.invocation.ClaimedInvocation;
import dev.ferry.security.RequestSigner;
import dev.ferry.service.HandlerTarget;

/**
 * Calls a handler with one HTTP POST of the invocation's input; see {@link HandlerClient}. A handler with the
 * state envelope gets its object's state with the input ({@link StateEnvelope}); the state changes of an exclusive
 * handler's answer are a {@link DurableEffect}, applied in the transaction that completes the invocation and only
 * while that attempt still runs it, so an attempt whose answer was lost runs again against the state as last
 * committed and no change is applied twice.
 */
@Component
class PlainHttpProtocol implements HandlerProtocol {

    static final String NAME = "http";
    /** Threads that read objects' state before calls: each read is one short query. */
    private static final int STATE_READERS = 4;

    private final HandlerClient client;
    private final ObjectStates states;
    private final AttemptFence fence;
    private final StateEnvelope envelope;
    private final ExecutorService reads;

    PlainHttpProtocol(DispatchProperties properties, HandlerHttpProperties pools, Clock clock, RequestSigner signer,
            ObjectStates states, AttemptFence fence, JsonMapper json, StateProperties stateProperties,
            MeterRegistry registry) {
        this.client = new HandlerClient(pools, properties.connectTimeout(), properties.resultLimit().toBytes(), clock,
                signer);
        new HandlerConnectionMetrics(client.http()).bindTo(registry);
        this.states = states;
        this.fence = fence;
        this.envelope = new StateEnvelope(json, stateProperties.maxSize().toBytes());
        AtomicInteger threads = new AtomicInteger();
        this.reads = Executors.newFixedThreadPool(STATE_READERS, runnable -> {
            Thread thread = new Thread(runnable, "ferry-state-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CompletableFuture<AttemptResult> call(HandlerTarget target, ClaimedInvocation invocation,
            Duration timeout) {
        if (!target.envelope() || invocation.objectKey() == null) {
            return client.call(target, invocation, timeout).thenApply(AttemptResult::of);
        }
        // the state is read off the caller's thread: successors of recorded outcomes start on the outcome writer's
        return CompletableFuture.supplyAsync(() -> states.load(invocation.service(), invocation.objectKey()), reads)
                .thenCompose(state -> {
                    byte[] body = envelope.request(invocation, target.input(), state);
                    if (body == null) {
                        return CompletableFuture.completedFuture(
                                AttemptResult.of(StateEnvelope.notJson(invocation.objectKey())));
                    }
                    return client.call(target, invocation, timeout,
                            new HandlerClient.Body(body, StateEnvelope.CONTENT_TYPE))
                            .thenApply(result -> answered(invocation, result, state));
                });
    }

    private AttemptResult answered(ClaimedInvocation invocation, CallResult result, Map<String, byte[]> state) {
        if (!(result instanceof CallResult.Success success)) {
            return AttemptResult.of(result);
        }
        StateEnvelope.Answer answer = envelope.read(success.body(), invocation.exclusive(), state);
        if (answer.changes() == null || answer.changes().isEmpty()) {
            return AttemptResult.of(answer.result());
        }
        DurableEffect apply = () -> {
            if (!fence.holds(invocation.id(), invocation.attempt())) {
                throw new OutcomeSuperseded("attempt " + invocation.attempt() + " no longer runs the invocation");
            }
            states.apply(invocation.service(), invocation.objectKey(), answer.changes());
        };
        return new AttemptResult(answer.result(), List.of(apply));
    }

    @Override
    public void close() {
        client.close();
        reads.shutdownNow();
    }
}
