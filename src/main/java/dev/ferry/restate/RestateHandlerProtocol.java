package dev.ferry.restate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.dispatch.AttemptResult;
import dev.ferry.dispatch.CallFailure;
import dev.ferry.dispatch.CallResult;
import dev.ferry.dispatch.DurableEffect;
import dev.ferry.dispatch.HandlerProtocol;
import dev.ferry.dispatch.InputHeaders;
import dev.ferry.dispatch.OutcomeSuperseded;
import dev.ferry.invocation.ClaimedInvocation;
import dev.ferry.invocation.Outcome;
import dev.ferry.restate.AttemptEnding.Behavior;
import dev.ferry.restate.JournalStore.AppendOutcome;
import dev.ferry.service.HandlerTarget;
import dev.ferry.service.HandlerType;
import dev.ferry.service.RestateTarget;
import dev.ferry.service.ServiceProtocol;
import dev.ferry.service.ServiceType;
import dev.ferry.shared.JsonValues;

/**
 * Calls the handlers of Restate SDK deployments: one dispatcher attempt loads the invocation's journal, its
 * position and the object's state, replays them to the SDK and reads what it sends back. A suspension whose
 * awaited completions this attempt produced itself (a {@code ctx.run} result, a lazy state read) is stored at
 * once, fenced on the journal length, and the SDK is invoked again within the same attempt (not a retry), until
 * the handler ends, fails or waits for something Ferry does not produce yet. What the last exchange produced is
 * stored by a {@link DurableEffect} in the transaction of the attempt's outcome, fenced likewise: an attempt
 * whose journal grew meanwhile is {@link OutcomeSuperseded}, stores nothing and runs again at once.
 *
 * <p>Endings: an output succeeds, a terminal failure fails the invocation, an error or a failed exchange is
 * retried ({@code next_retry_delay} honoured as the wait), a suspension on completions (a sleep's timer) suspends
 * the invocation until one is due (its due completions are appended before the next replay), a command Ferry does
 * not run yet, or a suspension on signals only, pauses the invocation with what stopped it.
 */
@Component
class RestateHandlerProtocol implements HandlerProtocol {

    /** Re-invocations after ready suspensions within one attempt, before it is handed back as a retry. */
    static final int MAX_RESUMES = 1000;

    private final ServiceProtocolClient client;
    private final JournalStore journals;
    private final StateReads reads;
    private final JsonMapper json;
    private final Clock clock;
    private final RestateMetrics metrics;
    private final DurableEffect.Batch journalBatch = new DurableEffect.Batch() {
        @Override
        public Map<DurableEffect, String> writeAll(List<DurableEffect> effects) {
            return storeAll(effects);
        }

        @Override
        public void writeFenced(List<DurableEffect> effects) {
            journals.storeFenced(effects.stream().map(effect -> ((StoreJournal) effect).append).toList());
        }
    };
    private final ExecutorService storage = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("ferry-restate-", 0).factory());

    RestateHandlerProtocol(ServiceProtocolClient client, JournalStore journals, StateReads reads, JsonMapper json,
            Clock clock, MeterRegistry registry) {
        this.client = client;
        this.metrics = new RestateMetrics(registry);
        this.journals = journals;
        this.reads = reads;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public String name() {
        return ServiceProtocol.RESTATE.wireName();
    }

    @Override
    public CompletableFuture<AttemptResult> call(HandlerTarget target, ClaimedInvocation invocation,
            Duration timeout) {
        Instant deadline = clock.instant().plus(timeout);
        return CompletableFuture.supplyAsync(() -> Run.load(this, target, invocation), storage)
                .thenCompose(run -> exchange(run, deadline, 0));
    }

    private CompletableFuture<AttemptResult> exchange(Run run, Instant deadline, int resumes) {
        Duration left = Duration.between(clock.instant(), deadline);
        if (left.isNegative() || left.isZero()) {
            return CompletableFuture.completedFuture(AttemptResult.of(new CallResult.Retryable(
                    "timeout: the handler did not end within the call timeout", null, CallFailure.TIMEOUT)));
        }
        AttemptRequest request = run.request();
        return client.invoke(run.endpoint, request, left).thenComposeAsync(result -> {
            metrics.exchanged(run.invocation, request.journal().size(), result);
            if (result.ending() instanceof AttemptEnding.Suspended suspended && suspended.readyNow()
                    && resumes < MAX_RESUMES) {
                if (journals.append(run.append(result)) == AppendOutcome.FENCED) {
                    return CompletableFuture.completedFuture(AttemptResult.of(new CallResult.Retryable(
                            superseded(run), Duration.ZERO)));
                }
                run.advance(result);
                return exchange(run, deadline, resumes + 1);
            }
            return CompletableFuture.completedFuture(end(run, result));
        }, storage);
    }

    /** The call result of an attempt's last exchange, with the effect that stores what it produced. */
    /** How a failed attempt is metered: by the deployment's HTTP status, or as a connection failure. */
    private static CallFailure failure(AttemptEnding.Failed failed) {
        return switch (failed.kind()) {
            case HTTP_STATUS -> CallFailure.ofStatus(failed.code());
            case TRANSPORT -> CallFailure.CONNECTION;
            default -> CallFailure.OTHER;
        };
    }

    // this package's AttemptResult beside the dispatcher's, which the class imports
    @SuppressWarnings("checkstyle:inlineQualifiedName")
    private AttemptResult end(Run run, dev.ferry.restate.AttemptResult result) {
        CallResult call = switch (result.ending()) {
            case AttemptEnding.Output output -> new CallResult.Success(output.value(), contentType(output.value()));
            case AttemptEnding.TerminalFailure failure -> new CallResult.Terminal(
                    "terminal error (" + failure.code() + "): " + failure.message());
            case AttemptEnding.Failed failed when failed.behavior() == Behavior.PAUSE ->
                    new CallResult.Paused(failed.describe());
            case AttemptEnding.Failed failed when failed.behavior() == Behavior.FAIL ->
                    new CallResult.Terminal(failed.describe());
            case AttemptEnding.Failed failed -> new CallResult.Retryable(failed.describe(), failed.nextRetryDelay(),
                    failure(failed));
            case AttemptEnding.Unsupported unsupported -> new CallResult.Paused(unsupported.message()
                    + "; resume the invocation once Ferry supports it, or kill it");
            case AttemptEnding.Suspended suspended when suspended.readyNow() -> new CallResult.Retryable(
                    "the handler suspended " + MAX_RESUMES + " times in one attempt", null);
            case AttemptEnding.Suspended suspended when !suspended.completions().isEmpty()
                    || !suspended.signals().isEmpty() || !suspended.namedSignals().isEmpty() ->
                    new CallResult.Suspended(earliestTimer(result));
            case AttemptEnding.Suspended suspended -> new CallResult.Paused(waiting(suspended));
        };
        JournalAppend append = run.append(result);
        if (append.entries().isEmpty() && append.stateChanges().isEmpty() && !append.attemptFailed()) {
            return AttemptResult.of(call);
        }
        return new AttemptResult(call, List.of(new StoreJournal(append, superseded(run))));
    }

    /** Stores what an attempt's last exchange produced, with the other attempts of the outcome batch. */
    private final class StoreJournal implements DurableEffect {
        final JournalAppend append;
        final String supersededBy;

        StoreJournal(JournalAppend append, String supersededBy) {
            this.append = append;
            this.supersededBy = supersededBy;
        }

        @Override
        public void write() {
            if (journals.append(append) == AppendOutcome.FENCED) {
                throw new OutcomeSuperseded(supersededBy);
            }
        }

        @Override
        public Batch batch() {
            return journalBatch;
        }

        /** A successful attempt's journal grows in the statement that completes its invocation. */
        @Override
        public Outcome.JournalFence successFence() {
            return append.attemptFailed() ? null : new Outcome.JournalFence(append.expectedLength(),
                    append.entries().size(), append.attempt(), supersededBy);
        }
    }

    /** Writes the journals of a batch of outcomes together: one statement per table. */
    private Map<DurableEffect, String> storeAll(List<DurableEffect> effects) {
        List<JournalAppend> appends = new ArrayList<>(effects.size());
        Map<JournalAppend, StoreJournal> byAppend = new IdentityHashMap<>();
        for (DurableEffect effect : effects) {
            StoreJournal store = (StoreJournal) effect;
            appends.add(store.append);
            byAppend.put(store.append, store);
        }
        Map<DurableEffect, String> superseded = new IdentityHashMap<>();
        for (JournalAppend fenced : journals.appendAll(appends)) {
            StoreJournal store = byAppend.get(fenced);
            superseded.put(store, store.supersededBy);
        }
        return superseded;
    }

    /** The earliest wake-up time among the timers this exchange set, or null: the waker finds older ones. */
    // this package's AttemptResult beside the dispatcher's, which the class imports
    @SuppressWarnings("checkstyle:inlineQualifiedName")
    private static Instant earliestTimer(dev.ferry.restate.AttemptResult result) {
        return result.completions().stream().map(PendingCompletion::dueAt).min(Comparator.naturalOrder())
                .orElse(null);
    }

    private static String superseded(Run run) {
        return "the journal of " + run.invocation.id() + " grew beyond entry " + run.length
                + ", or the invocation was killed or claimed again,"
                + " during this attempt; running it again from the stored journal";
    }

    private static String waiting(AttemptEnding.Suspended suspended) {
        return "the handler suspended without waiting for anything; kill the invocation or resume it";
    }

    private String contentType(byte[] value) {
        return value.length > 0 && JsonValues.isSingleValue(json, value) ? "application/json"
                : "application/octet-stream";
    }

    @Override
    public void close() {
        storage.shutdownNow();
    }

    /** What one dispatcher attempt carries from exchange to exchange: the journal and state as stored. */
    private static final class Run {
        static final JournalPosition FRESH = new JournalPosition(0, 0, null);

        final ClaimedInvocation invocation;
        final HandlerTarget target;
        final RestateEndpoint endpoint;
        final HandlerKind kind;
        final InvocationIdentity identity;
        final long randomSeed;
        final List<AttemptRequest.Header> headers;
        final List<JournalEntry> journal;
        final Map<String, byte[]> state;
        int length;
        AttemptRequest.RetryInfo retry;

        private Run(ClaimedInvocation invocation, HandlerTarget target, List<JournalEntry> journal,
                JournalPosition position, Map<String, byte[]> state, Instant now) {
            this.invocation = invocation;
            this.target = target;
            RestateTarget restate = target.restate();
            this.endpoint = new RestateEndpoint(target.endpoint(), restate != null && restate.useHttp11(),
                    restate == null ? ProtocolVersion.PREFERRED
                            : ProtocolVersion.negotiate(restate.minProtocolVersion(), restate.maxProtocolVersion())
                                    .orElse(ProtocolVersion.PREFERRED), Map.of());
            this.kind = kindOf(target);
            this.identity = InvocationIdentity.of(invocation.id());
            this.randomSeed = identity.randomSeed();
            this.headers = InputHeaders.of(invocation).stream()
                    .map(header -> new AttemptRequest.Header(header.name(), header.value())).toList();
            this.journal = new ArrayList<>(journal);
            this.state = new LinkedHashMap<>(state);
            this.length = position.length();
            this.retry = position.retryInfo(now);
        }

        /**
         * Reads what the attempt replays. A first attempt whose claim found the journal empty reads nothing but the
         * object's state: its journal is the input command this attempt writes, and nothing failed before it.
         */
        static Run load(RestateHandlerProtocol protocol, HandlerTarget target, ClaimedInvocation invocation) {
            JournalPosition position;
            List<JournalEntry> journal;
            if (invocation.journalLength() == 0 && invocation.attempt() <= 1) {
                position = FRESH;
                journal = List.of();
            } else {
                position = position(protocol, invocation);
                // a woken invocation gets its due completions before the replay
                if (position.length() > 0 && protocol.journals.deliverDue(invocation.id(), position.length()) > 0) {
                    position = position(protocol, invocation);
                }
                journal = position.length() == 0 ? List.of() : protocol.journals.load(invocation.id());
                if (journal.size() != position.length()) {
                    throw new IllegalStateException("the journal of " + invocation.id() + " changed while it was read");
                }
            }
            Map<String, byte[]> state = target.keyed()
                    ? protocol.reads.load(target.service(), key(invocation)).join() : Map.of();
            return new Run(invocation, target, journal, position, state, protocol.clock.instant());
        }

        private static JournalPosition position(RestateHandlerProtocol protocol, ClaimedInvocation invocation) {
            return protocol.journals.position(invocation.id())
                    .orElseThrow(() -> new IllegalStateException("invocation " + invocation.id() + " is gone"));
        }

        AttemptRequest request() {
            return new AttemptRequest(identity, target.service(), target.handler(), kind, key(invocation),
                    invocation.input(), headers, journal, state, target.restate() != null
                            && target.restate().enableLazyState(), retry, randomSeed);
        }

        // this package's AttemptResult beside the dispatcher's, which the class imports
        @SuppressWarnings("checkstyle:inlineQualifiedName")
        JournalAppend append(dev.ferry.restate.AttemptResult result) {
            return JournalAppend.of(invocation.id(), length, target.service(), key(invocation), result,
                    invocation.attempt());
        }

        /** After a stored exchange: the journal and state the next exchange replays. */
        // this package's AttemptResult beside the dispatcher's, which the class imports
        @SuppressWarnings("checkstyle:inlineQualifiedName")
        void advance(dev.ferry.restate.AttemptResult result) {
            journal.addAll(result.newEntries());
            length += result.newEntries().size();
            result.stateChanges().forEach(change -> change.applyTo(state));
            if (!result.newEntries().isEmpty()) {
                retry = AttemptRequest.RetryInfo.NONE;
            }
        }

        private static String key(ClaimedInvocation invocation) {
            return invocation.objectKey() == null ? "" : invocation.objectKey();
        }

        private static HandlerKind kindOf(HandlerTarget target) {
            if (target.serviceType() == ServiceType.SERVICE) {
                return HandlerKind.STATELESS;
            }
            return target.handlerType() == HandlerType.SHARED ? HandlerKind.SHARED : HandlerKind.EXCLUSIVE;
        }
    }
}
