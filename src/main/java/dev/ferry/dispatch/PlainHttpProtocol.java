package dev.ferry.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.springframework.stereotype.Component;

import dev.ferry.invocation.ClaimedInvocation;
import dev.ferry.security.RequestSigner;
import dev.ferry.service.HandlerTarget;

/** Calls a handler with one HTTP POST of the invocation's input; see {@link HandlerClient}. */
@Component
class PlainHttpProtocol implements HandlerProtocol {

    static final String NAME = "http";

    private final HandlerClient client;

    PlainHttpProtocol(DispatchProperties properties, Clock clock, RequestSigner signer) {
        this.client = new HandlerClient(properties.connectTimeout(), properties.resultLimit().toBytes(), clock, signer);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CompletableFuture<AttemptResult> call(HandlerTarget target, ClaimedInvocation invocation,
            Duration timeout) {
        return client.call(target, invocation, timeout).thenApply(AttemptResult::of);
    }

    @Override
    public void close() {
        client.close();
    }
}
