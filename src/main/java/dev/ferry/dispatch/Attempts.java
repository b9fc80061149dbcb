package dev.ferry.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.tracing.Span;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import dev.ferry.dispatch.OutcomePolicy.Decision;
import dev.ferry.invocation.ClaimedInvocation;
import dev.ferry.invocation.Outcome;
import dev.ferry.service.HandlerTarget;
import dev.ferry.service.ServiceRegistry;

/**
 * Runs one attempt of each invocation it is given: finds the handler, calls it through its
 * {@link HandlerProtocol}, lets {@link OutcomePolicy} decide what follows and hands the decision on. Whatever
 * goes wrong on the way, every attempt ends exactly once with a decision (a retry after the poll interval
 * when Ferry itself failed), so that no failure leaves an invocation running under a lease renewed for ever.
 */
class Attempts {

    private static final Logger log = LoggerFactory.getLogger(Attempts.class);

    /** Where a decided attempt goes: the outcome recorder, and the freeing of the attempt's call slot. */
    interface Ended {
        void accept(ClaimedInvocation invocation, Decision decision, List<DurableEffect> effects);
    }

    private final ServiceRegistry services;
    private final HandlerProtocols protocols;
    private final OutcomePolicy policy;
    private final DispatchMetrics metrics;
    private final DispatchProperties properties;
    private final Clock clock;
    private final Ended ended;
    private final Spans spans;
    private final Map<String, CompletableFuture<AttemptResult>> calls = new ConcurrentHashMap<>();

    Attempts(ServiceRegistry services, HandlerProtocols protocols, OutcomePolicy policy, DispatchMetrics metrics,
            DispatchProperties properties, Clock clock, Ended ended, Spans spans) {
        this.spans = spans;
        this.services = services;
        this.protocols = protocols;
        this.policy = policy;
        this.metrics = metrics;
        this.properties = properties;
        this.clock = clock;
        this.ended = ended;
    }

    /** Starts the call of an invocation this instance holds a call slot for; does not wait for its answer. */
    void start(ClaimedInvocation invocation) {
        HandlerTarget target;
        try {
            target = services.findTarget(invocation.service(), invocation.handler()).orElse(null);
        } catch (RuntimeException e) {
            end(invocation, retryLater(invocation, "Ferry could not look up the target: " + e.getMessage()));
            return;
        }
        if (target == null) {
            end(invocation, new Decision(new Outcome.Paused(invocation.id(), "Handler %s/%s is not registered; "
                    .formatted(invocation.service(), invocation.handler()) + "register it and resume the invocation"),
                    null, null, null));
            return;
        }
        Instant started = clock.instant();
        Traced traced = trace(invocation);
        CompletableFuture<AttemptResult> call;
        RetryPolicy retry;
        try {
            Duration timeout = target.timeout() != null ? target.timeout() : properties.callTimeout();
            retry = RetryPolicy.resolve(target.retry(), properties.retry());
            call = protocols.forTarget(target).call(target, invocation.withTrace(spans.fields(traced.call())),
                    timeout);
        } catch (RuntimeException e) {
            log.warn("Could not call the handler of invocation {}, retrying it in {}", invocation.id(),
                    properties.pollInterval(), e);
            traced.end("retry", e);
            end(invocation,
                    retryLater(invocation, "Ferry could not call the handler: " + e.getClass().getSimpleName()));
            return;
        }
        calls.put(invocation.id(), call);
        call.whenComplete((result, error) -> complete(invocation, retry, result, error, started, traced));
    }

    /** The spans of one attempt: the attempt, in the trace the record's headers carry, and its handler call. */
    private record Traced(Span attempt, Span call) {

        void end(String outcome, Throwable error) {
            if (error != null) {
                call.error(error);
            }
            call.tag("ferry.outcome", outcome).end();
            attempt.tag("ferry.outcome", outcome).end();
        }
    }

    private Traced trace(ClaimedInvocation invocation) {
        Span attempt = spans.start("ferry attempt", null, invocation, InputHeaders::recordHeader)
                .tag("ferry.invocation.id", invocation.id())
                .tag("ferry.service", invocation.service())
                .tag("ferry.handler", invocation.handler())
                .tag("ferry.attempt", invocation.attempt());
        Span call = spans.child(attempt, "ferry call " + invocation.service() + "/" + invocation.handler(),
                Span.Kind.CLIENT);
        return new Traced(attempt, call);
    }

    /** Aborts the call of a cancelled or killed invocation if it runs here; its outcome is then ignored. */
    /** The invocations whose call runs now. */
    Set<String> running() {
        return calls.keySet();
    }

    void abort(String invocationId) {
        CompletableFuture<AttemptResult> call = calls.get(invocationId);
        if (call != null) {
            call.cancel(true);
        }
    }

    private void complete(ClaimedInvocation invocation, RetryPolicy retry, AttemptResult result, Throwable error,
            Instant started, Traced traced) {
        try (MDC.MDCCloseable ignored = MDC.putCloseable("invocationId", invocation.id())) {
            Decision decision;
            List<DurableEffect> effects = List.of();
            try {
                calls.remove(invocation.id());
                AttemptResult attempt = error == null ? result
                        : AttemptResult.of(new CallResult.Retryable("call aborted: " + error, null));
                decision = decide(invocation, retry, attempt.call(), started);
                effects = attempt.effects();
            } catch (Throwable e) {
                log.warn("Could not decide the outcome of invocation {}, retrying it in {}", invocation.id(),
                        properties.pollInterval(), e);
                decision = retryLater(invocation,
                        "Ferry could not decide the outcome: " + e.getClass().getSimpleName());
            }
            traced.end(outcome(decision), error);
            ended.accept(invocation, decision, effects);
        }
    }

    private static String outcome(Decision decision) {
        return switch (decision.outcome()) {
            case Outcome.Succeeded ignored -> "success";
            case Outcome.Failed ignored -> "failure";
            case Outcome.Paused ignored -> "paused";
            case Outcome.Suspended ignored -> "suspended";
            case Outcome.Retrying ignored -> "retry";
        };
    }

    private Decision decide(ClaimedInvocation invocation, RetryPolicy retry, CallResult result, Instant started) {
        Instant now = clock.instant();
        Decision decision = policy.decide(invocation, retry, result, now);
        metrics.call(invocation, switch (result) {
            case CallResult.Success ignored -> "success";
            case CallResult.Terminal ignored -> "failure";
            case CallResult.Retryable ignored -> "retry";
            case CallResult.Paused ignored -> "paused";
            case CallResult.Suspended ignored -> "suspended";
        }, CallFailure.of(result), Duration.between(started, now));
        if (decision.completion() != null) {
            metrics.completed(invocation, decision.outcome() instanceof Outcome.Failed failed ? failed.reason()
                    : null, now);
        }
        switch (decision.outcome()) {
            case Outcome.Succeeded ignored -> log.debug("Invocation {} succeeded in {}ms", invocation.id(),
                    Duration.between(started, now).toMillis());
            case Outcome.Failed failed -> log.debug("Invocation {} failed: {}", invocation.id(), failed.failure());
            case Outcome.Paused paused -> log.debug("Invocation {} paused: {}", invocation.id(), paused.failure());
            case Outcome.Suspended suspended -> log.debug("Invocation {} suspended until {}", invocation.id(),
                    suspended.wakeAt() == null ? "a completion arrives" : suspended.wakeAt());
            case Outcome.Retrying retrying -> log.debug("Invocation {} attempt {} failed ({}); retrying in {}",
                    invocation.id(), invocation.attempt(), retrying.failure(), decision.retryIn());
        }
        return decision;
    }

    private void end(ClaimedInvocation invocation, Decision decision) {
        ended.accept(invocation, decision, List.of());
    }

    private Decision retryLater(ClaimedInvocation invocation, String failure) {
        return OutcomePolicy.retryLater(invocation.id(), properties.pollInterval(), failure, clock.instant());
    }
}
