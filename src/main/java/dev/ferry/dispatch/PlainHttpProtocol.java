package dev.ferry.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    /** Threads that build the envelope requests once objects' state is read. */
    private static final int REQUEST_BUILDERS = 2;

    private final HandlerClient client;
    private final ObjectStates states;
    private final AttemptFence fence;
    private final StateEnvelope envelope;
    private final ExecutorService builders;
    private final DurableEffect.Batch stateBatch = this::applyAll;

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
        this.builders = Executors.newFixedThreadPool(REQUEST_BUILDERS, runnable -> {
            Thread thread = new Thread(runnable, "ferry-envelope-" + threads.incrementAndGet());
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
        // the request is built off the reading thread, which answers the reads of many objects at once
        return states.load(invocation.service(), invocation.objectKey())
                .thenComposeAsync(state -> {
                    byte[] body = envelope.request(invocation, target.input(), state);
                    if (body == null) {
                        return CompletableFuture.completedFuture(
                                AttemptResult.of(StateEnvelope.notJson(invocation.objectKey())));
                    }
                    return client.call(target, invocation, timeout,
                            new HandlerClient.Body(body, StateEnvelope.CONTENT_TYPE))
                            .thenApply(result -> answered(invocation, result, state));
                }, builders);
    }

    private AttemptResult answered(ClaimedInvocation invocation, CallResult result, Map<String, byte[]> state) {
        if (!(result instanceof CallResult.Success success)) {
            return AttemptResult.of(result);
        }
        StateEnvelope.Answer answer = envelope.read(success.body(), invocation.exclusive(), state);
        if (answer.changes() == null || answer.changes().isEmpty()) {
            return AttemptResult.of(answer.result());
        }
        return new AttemptResult(answer.result(), List.of(new ApplyState(new ObjectStates.Fenced(invocation.id(),
                invocation.attempt(), invocation.service(), invocation.objectKey(), answer.changes()))));
    }

    private static String superseded(int attempt) {
        return "attempt " + attempt + " no longer runs the invocation";
    }

    /** Applies an answer's state changes, with those of the other attempts of the outcome batch. */
    private final class ApplyState implements DurableEffect {
        final ObjectStates.Fenced changes;

        ApplyState(ObjectStates.Fenced changes) {
            this.changes = changes;
        }

        @Override
        public void write() {
            if (!fence.holds(changes.invocationId(), changes.attempt())) {
                throw new OutcomeSuperseded(superseded(changes.attempt()));
            }
            states.apply(changes.service(), changes.objectKey(), changes.changes());
        }

        @Override
        public Batch batch() {
            return stateBatch;
        }
    }

    /** Applies the state changes of a batch of outcomes in a few statements: one fence, one write per round. */
    private Map<DurableEffect, String> applyAll(List<DurableEffect> effects) {
        List<ObjectStates.Fenced> all = effects.stream().map(effect -> ((ApplyState) effect).changes).toList();
        Set<String> superseded = states.applyFenced(all);
        Map<DurableEffect, String> refused = new IdentityHashMap<>();
        for (DurableEffect effect : effects) {
            ObjectStates.Fenced changes = ((ApplyState) effect).changes;
            if (superseded.contains(changes.invocationId())) {
                refused.put(effect, superseded(changes.attempt()));
            }
        }
        return refused;
    }

    @Override
    public void close() {
        client.close();
        builders.shutdownNow();
    }
}
