package dev.ferry.dispatch;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpResponseException;
import org.eclipse.jetty.client.ProxyAuthenticationProtocolHandler;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.WWWAuthenticationProtocolHandler;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

import dev.ferry.invocation.ClaimedInvocation;
import dev.ferry.security.RequestSigner;
import dev.ferry.service.HandlerTarget;
import dev.ferry.service.InputFormat;

/**
 * Calls handlers over HTTP/1.1 (or HTTPS) with Jetty's client, asynchronously: no thread waits for a response.
 * Connections are kept alive and reused, in one bounded pool per endpoint ({@link HandlerHttpProperties}), whose
 * use {@link HandlerConnectionMetrics} meters. Every call carries the invocation id as {@code idempotency-key};
 * calls of Kafka records carry the record's coordinates and headers.
 */
class HandlerClient implements AutoCloseable {

    private static final int EXCERPT = 300;
    /** Of a body that is not a result, only this much is read: enough for the excerpt in the failure. */
    private static final int ERROR_BODY_LIMIT = 4096;
    /** Threads that run Jetty's selector and the listeners of answers; no thread waits for one. */
    private static final int MAX_THREADS = 16;
    /** How much later than Jetty's own timeout a call that still has no answer is ended anyway. */
    private static final long TIMEOUT_GRACE_MILLIS = 250;

    private final HttpClient http;
    private final long resultLimit;
    private final Clock clock;
    private final RequestSigner signer;

    /** @param signer signs every request (see {@link RequestSigner}); null for none */
    HandlerClient(Duration connectTimeout, long resultLimit, Clock clock, RequestSigner signer) {
        this(HandlerHttpProperties.defaults(), connectTimeout, resultLimit, clock, signer);
    }

    /** @param signer signs every request (see {@link RequestSigner}); null for none */
    HandlerClient(HandlerHttpProperties pools, Duration connectTimeout, long resultLimit, Clock clock,
            RequestSigner signer) {
        this(pools, new SslContextFactory.Client(), connectTimeout, resultLimit, clock, signer);
    }

    /**
     * @param tls how HTTPS endpoints are verified: by default against the JVM's trust store, with their host name
     *            checked against their certificate
     */
    HandlerClient(HandlerHttpProperties pools, SslContextFactory.Client tls, Duration connectTimeout, long resultLimit,
            Clock clock, RequestSigner signer) {
        this.http = start(pools, tls, connectTimeout);
        this.resultLimit = resultLimit;
        this.clock = clock;
        this.signer = signer;
    }

    private static HttpClient start(HandlerHttpProperties pools, SslContextFactory.Client tls,
            Duration connectTimeout) {
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2);
        threads.setName("ferry-http");
        threads.setDaemon(true);
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(tls);
        connector.setExecutor(threads);
        connector.setScheduler(new ScheduledExecutorScheduler("ferry-http-scheduler", true));
        connector.setConnectTimeout(connectTimeout);
        connector.setIdleTimeout(pools.idleTimeout());
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(connector));
        client.setConnectTimeout(connectTimeout.toMillis());
        client.setIdleTimeout(pools.idleTimeout().toMillis());
        client.setMaxConnectionsPerDestination(pools.maxConnectionsPerEndpoint());
        client.setMaxRequestsQueuedPerDestination(pools.maxQueuedPerEndpoint());
        client.setFollowRedirects(false);
        client.setUserAgentField(null);
        // a body is sent with the content type Ferry names
        client.setDefaultRequestContentType(null);
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("could not start the HTTP client towards handlers", e);
        }
        // an answer is read as the handler sent it: no accept-encoding asks for a compressed one (started adds gzip)
        client.getContentDecoderFactories().clear();
        // a 401 or 407 is the handler's answer, reported as such; Jetty would turn one without a challenge into a
        // protocol violation and hide the status
        client.getProtocolHandlers().remove(WWWAuthenticationProtocolHandler.NAME);
        client.getProtocolHandlers().remove(ProxyAuthenticationProtocolHandler.NAME);
        return client;
    }

    /** The client's connection pools, for {@link HandlerConnectionMetrics}. */
    HttpClient http() {
        return http;
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
        LimitedBody answer = new LimitedBody(resultLimit, ERROR_BODY_LIMIT);
        Request request;
        try {
            request = request(target, invocation, timeout, body)
                    .onResponseHeaders(answer::onHeaders)
                    .onResponseContent(answer::onContent);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new CallResult.Terminal("Ferry could not build the request: "
                    + e.getMessage()));
        }
        request.send(answer::onComplete);
        // Jetty's timeout never fires after an interim status it does not know (such as 150): this one does
        answer.answer().orTimeout(timeout.toMillis() + TIMEOUT_GRACE_MILLIS, TimeUnit.MILLISECONDS)
                .whenComplete((answered, error) -> {
                    if (error instanceof TimeoutException late) {
                        request.abort(late);
                    }
                });
        return answer.answer().handle((answered, error) -> error == null
                ? classify(answered.status(), answered.contentType(), answered.retryAfter(), answered.body(),
                        clock.instant())
                : failure(error, timeout));
    }

    static URI uri(HandlerTarget target, String key) {
        StringBuilder path = new StringBuilder(target.endpoint().toString()).append('/')
                .append(encode(target.service())).append('/');
        if (key != null) {
            path.append(encode(key)).append('/');
        }
        return URI.create(path.append(encode(target.handler())).toString());
    }

    /** The call's request: its timeout bounds the whole exchange, from the wait for a connection to the body. */
    private Request request(HandlerTarget target, ClaimedInvocation invocation, Duration timeout, Body body) {
        byte[] input = body != null ? body.bytes() : invocation.input();
        URI uri = uri(target, invocation.objectKey());
        Request request = http.newRequest(uri)
                .method(HttpMethod.POST)
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .idleTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        String contentType = input == null || input.length == 0 ? null : body != null ? body.contentType()
                : target.input() == InputFormat.RAW ? "application/octet-stream" : "application/json";
        request.headers(headers -> {
            headers.put("idempotency-key", invocation.id());
            headers.put("x-ferry-invocation-id", invocation.id());
            headers.put("x-ferry-attempt", Integer.toString(invocation.attempt()));
            if (contentType != null) {
                headers.put(HttpHeader.CONTENT_TYPE, contentType);
            }
            for (InputHeaders.Header header : InputHeaders.of(invocation)) {
                headers.add(header.name(), header.value());
            }
            if (signer != null) {
                signer.sign("POST", uri, input).forEach(headers::put);
            }
        });
        if (contentType != null) {
            request.body(new BytesRequestContent(contentType, input));
        }
        return request;
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

    /**
     * A call that got no answer, by the failure Jetty reported (the JDK client's timeouts are known too): a timeout,
     * a connection that could not be made or broke, a queue of the endpoint that was full.
     */
    static CallResult failure(Throwable error, Duration timeout) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof HttpConnectTimeoutException || cause instanceof SocketTimeoutException) {
            return new CallResult.Retryable("I/O error: no connection within the connect timeout", null,
                    CallFailure.CONNECTION);
        }
        if (cause instanceof UnresolvedAddressException) {
            return new CallResult.Retryable("I/O error: the handler's host name does not resolve", null,
                    CallFailure.CONNECTION);
        }
        if (cause instanceof RejectedExecutionException) {
            return new CallResult.Retryable("not sent: the queue of calls waiting for a connection to the handler's"
                    + " endpoint is full (ferry.dispatch.http.max-queued-per-endpoint)", null, CallFailure.CONNECTION);
        }
        if (cause instanceof HttpResponseException || cause instanceof BadMessageException) {
            String message = cause.getMessage() == null ? "" : ": " + cause.getMessage();
            return new CallResult.Retryable("I/O error: the answer is not valid HTTP" + message, null,
                    CallFailure.CONNECTION);
        }
        if (cause instanceof TimeoutException || cause instanceof HttpTimeoutException) {
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
        try {
            http.stop();
        } catch (Exception e) {
            // stopping: nothing left to do with it
        }
    }
}
