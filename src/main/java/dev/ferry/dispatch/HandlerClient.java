package dev.ferry.dispatch;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import dev.ferry.invocation.ClaimedInvocation;
import dev.ferry.security.RequestSigner;
import dev.ferry.service.HandlerTarget;
import dev.ferry.service.InputFormat;

/**
 * Calls handlers over HTTP with the JDK client, asynchronously: no thread waits for a response.
 * Connections are kept alive and reused. Every call carries the invocation id as
 * {@code idempotency-key}; calls of Kafka records carry the record's coordinates and headers.
 */
class HandlerClient implements AutoCloseable {

    private static final int EXCERPT = 300;
    /** Of a body that is not a result, only this much is read: enough for the excerpt in the failure. */
    private static final int ERROR_BODY_LIMIT = 4096;

    private final HttpClient http;
    private final ExecutorService executor;
    private final long resultLimit;
    private final Clock clock;
    private final RequestSigner signer;

    /** @param signer signs every request (see {@link RequestSigner}); null for none */
    HandlerClient(Duration connectTimeout, long resultLimit, Clock clock, RequestSigner signer) {
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "ferry-http-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
        this.resultLimit = resultLimit;
        this.clock = clock;
        this.signer = signer;
    }

    /** A request body other than the invocation's input, with its content type. */
    record Body(byte[] bytes, String contentType) {
    }

    CompletableFuture<CallResult> call(HandlerTarget target, ClaimedInvocation invocation, Duration timeout) {
        return call(target, invocation, timeout, null);
    }

    /** Calls the handler with {@code body} in place of the input, or with the input when it is null. */
    CompletableFuture<CallResult> call(HandlerTarget target, ClaimedInvocation invocation, Duration timeout,
            Body body) {
        HttpRequest request;
        try {
            request = request(target, invocation, timeout, body);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new CallResult.Terminal("Ferry could not build the request: "
                    + e.getMessage()));
        }
        return http.sendAsync(request, this::bodyOf)
                .handle((response, error) -> error == null ? classify(response) : failure(error, timeout));
    }

    /** 2xx bodies are results, kept up to the result limit; of any other body only an excerpt is read. */
    private BodySubscriber<LimitedBody.Bytes> bodyOf(HttpResponse.ResponseInfo response) {
        boolean success = response.statusCode() >= 200 && response.statusCode() < 300;
        return new LimitedBody(success ? resultLimit : Math.min(resultLimit, ERROR_BODY_LIMIT));
    }

    static URI uri(HandlerTarget target, String key) {
        StringBuilder path = new StringBuilder(target.endpoint().toString()).append('/')
                .append(encode(target.service())).append('/');
        if (key != null) {
            path.append(encode(key)).append('/');
        }
        return URI.create(path.append(encode(target.handler())).toString());
    }

    private HttpRequest request(HandlerTarget target, ClaimedInvocation invocation, Duration timeout, Body body) {
        byte[] input = body != null ? body.bytes() : invocation.input();
        URI uri = uri(target, invocation.objectKey());
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("idempotency-key", invocation.id())
                .header("x-ferry-invocation-id", invocation.id())
                .header("x-ferry-attempt", Integer.toString(invocation.attempt()));
        if (input == null || input.length == 0) {
            builder.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("content-type", body != null ? body.contentType()
                    : target.input() == InputFormat.RAW ? "application/octet-stream" : "application/json");
            builder.POST(HttpRequest.BodyPublishers.ofByteArray(input));
        }
        for (InputHeaders.Header header : InputHeaders.of(invocation)) {
            builder.header(header.name(), header.value());
        }
        if (signer != null) {
            signer.sign("POST", uri, input).forEach(builder::setHeader);
        }
        return builder.build();
    }

    private CallResult classify(HttpResponse<LimitedBody.Bytes> response) {
        return classify(response.statusCode(), response.headers().firstValue("content-type").orElse(null),
                response.headers().firstValue("retry-after").orElse(null), response.body(), clock.instant());
    }

    /** An answer's status, headers and body as a call result: 2xx succeeds, 408, 429 and 5xx may be retried. */
    static CallResult classify(int status, String contentType, String retryAfter, LimitedBody.Bytes answered,
            Instant now) {
        LimitedBody.Bytes body = answered == null ? new LimitedBody.Bytes(new byte[0], false) : answered;
        if (status >= 200 && status < 300) {
            return new CallResult.Success(body.bytes(), contentType);
        }
        String failure = "HTTP " + status + excerpt(body);
        if (status == 408 || status == 429 || status >= 500) {
            return new CallResult.Retryable(failure, OutcomePolicy.retryAfter(retryAfter, now),
                    CallFailure.ofStatus(status));
        }
        return new CallResult.Terminal(failure, CallFailure.ofStatus(status));
    }

    static CallResult failure(Throwable error, Duration timeout) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof HttpConnectTimeoutException) {
            return new CallResult.Retryable("I/O error: no connection within the connect timeout", null,
                    CallFailure.CONNECTION);
        }
        if (cause instanceof HttpTimeoutException) {
            return new CallResult.Retryable("timeout: no response within " + timeout.toMillis() + "ms", null,
                    CallFailure.TIMEOUT);
        }
        if (cause instanceof IOException) {
            String message = cause.getMessage() == null ? "" : ": " + cause.getMessage();
            return new CallResult.Retryable("I/O error: " + cause.getClass().getSimpleName() + message, null,
                    CallFailure.CONNECTION);
        }
        return new CallResult.Retryable("call failed: " + cause.getClass().getSimpleName(), null);
    }

    private static String excerpt(LimitedBody.Bytes body) {
        byte[] bytes = body.bytes();
        if (bytes.length == 0) {
            return "";
        }
        String text = new String(bytes, 0, Math.min(bytes.length, EXCERPT), StandardCharsets.UTF_8)
                .replaceAll("\\s+", " ").strip();
        return ": " + text + (bytes.length > EXCERPT || body.truncated() ? "…" : "");
    }

    /**
     * A path segment, percent-encoded; a segment of dots only ({@code .}, {@code ..}) has its dots encoded too,
     * so that no proxy or server normalising the path treats it as a relative step.
     */
    static String encode(String segment) {
        if (!segment.isEmpty() && segment.chars().allMatch(c -> c == '.')) {
            return "%2E".repeat(segment.length());
        }
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public void close() {
        http.shutdownNow();
        executor.shutdownNow();
    }
}
