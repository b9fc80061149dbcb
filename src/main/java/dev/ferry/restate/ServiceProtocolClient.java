package dev.ferry.restate;

import java.net.ConnectException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import dev.ferry.restate.AttemptEnding.Kind;
import dev.ferry.security.RestateRequestIdentity;
import dev.ferry.shared.KeptValues;

/**
 * Runs one attempt against a deployment in request/response mode: {@code POST {uri}/invoke/{service}/{handler}}
 * with the whole journal as the body, then reads the SDK's messages as they arrive until End, Suspension or Error.
 * Asynchronous (no thread waits for an answer), bounded in time (the caller's timeout for the whole exchange,
 * the connect timeout) and in size ({@link RestateProperties#maxMessageSize()} per message, {@link
 * RestateProperties#maxResponseSize()} per answer). A failure to reach the deployment is an ending like any
 * other, never an exceptionally completed future.
 */
@Component
public class ServiceProtocolClient implements AutoCloseable {

    private static final int EXCERPT_BYTES = 512;
    private static final int MAX_INVOKE_URIS = 10_000;

    private final RestateProperties properties;
    private final JettyClients clients;
    private final RestateRequestIdentity identity;
    /** The invoke URI of each deployment's handler, built once: few, and asked for on every attempt. */
    private final KeptValues<List<Object>, URI> invokeUris = new KeptValues<>(MAX_INVOKE_URIS);

    /** A client whose requests are not signed. */
    public ServiceProtocolClient(RestateProperties properties) {
        this(properties, RestateRequestIdentity.none());
    }

    /** @param identity signs every request (see {@link RestateRequestIdentity}) */
    @Autowired
    public ServiceProtocolClient(RestateProperties properties, RestateRequestIdentity identity) {
        this.properties = properties;
        this.clients = new JettyClients(properties);
        this.identity = identity;
    }

    /** Runs one attempt; the future always completes normally. */
    public CompletableFuture<AttemptResult> invoke(RestateEndpoint endpoint, AttemptRequest request, Duration timeout) {
        RestateAttempt attempt = RestateAttempt.of(request);
        Exchange exchange = new Exchange(attempt, endpoint, new FrameDecoder(
                (int) Math.min(Integer.MAX_VALUE, properties.maxMessageSize().toBytes()),
                properties.maxResponseSize().toBytes()));
        String contentType = endpoint.version().contentType();
        URI uri = invokeUri(endpoint, request);
        Map<String, String> signature = identity.sign(uri.getRawPath());
        Request http = clients.client(endpoint.http11())
                .newRequest(uri)
                .method(HttpMethod.POST)
                .headers(headers -> {
                    endpoint.additionalHeaders().forEach(headers::put);
                    signature.forEach(headers::put);
                    headers.put(HttpHeader.ACCEPT, contentType);
                    headers.put("x-restate-invocation-id", request.identity().debugId());
                    if (!request.key().isEmpty() && isHeaderSafe(request.key())) {
                        headers.put("x-restate-service-key", request.key());
                    }
                })
                .body(new BytesRequestContent(contentType, attempt.requestBody()))
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .onResponseHeaders(exchange::onHeaders)
                .onResponseContent(exchange::onContent);
        http.send(exchange::onComplete);
        return exchange.result;
    }

    private URI invokeUri(RestateEndpoint endpoint, AttemptRequest request) {
        return invokeUris.get(List.of(endpoint.uri(), request.service(), request.handler()),
                ignored -> endpoint.invokeUri(request.service(), request.handler()));
    }

    private static boolean isHeaderSafe(String value) {
        return value.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
    }

    @Override
    public void close() {
        clients.close();
    }

    /** The state of one request and its answer, fed by Jetty's listeners one at a time. */
    private static final class Exchange {
        final CompletableFuture<AttemptResult> result = new CompletableFuture<>();
        private final RestateAttempt attempt;
        private final RestateEndpoint endpoint;
        private final FrameDecoder decoder;
        private final ByteBuffer excerpt = ByteBuffer.allocate(EXCERPT_BYTES);
        private int badStatus;
        private String badContentType;

        Exchange(RestateAttempt attempt, RestateEndpoint endpoint, FrameDecoder decoder) {
            this.attempt = attempt;
            this.endpoint = endpoint;
            this.decoder = decoder;
        }

        void onHeaders(Response response) {
            String contentType = response.getHeaders().get(HttpHeader.CONTENT_TYPE);
            if (response.getStatus() != 200) {
                badStatus = response.getStatus();
            } else if (ProtocolVersion.ofContentType(contentType).isEmpty()) {
                badStatus = 200;
                badContentType = contentType;
            }
        }

        void onContent(Response response, ByteBuffer content) {
            if (badStatus != 0) {
                ByteBuffer slice = content.slice(content.position(),
                        Math.min(content.remaining(), excerpt.remaining()));
                excerpt.put(slice);
                return;
            }
            if (result.isDone()) {
                return;
            }
            List<Frame> frames;
            try {
                frames = decoder.feed(content);
            } catch (FrameDecoder.TooLarge tooLarge) {
                result.complete(attempt.failed(Kind.TOO_LARGE, 0, tooLarge.getMessage()));
                response.abort(tooLarge);
                return;
            }
            for (Frame frame : frames) {
                if (attempt.accept(frame)) {
                    AttemptResult done = attempt.result();
                    result.complete(done);
                    if (done.ending() instanceof AttemptEnding.Unsupported) {
                        response.abort(new CancellationException("attempt ended"));
                    }
                    return;
                }
            }
        }

        void onComplete(Result outcome) {
            if (result.isDone()) {
                return;
            }
            if (outcome.isFailed()) {
                result.complete(failure(outcome.getFailure()));
            } else if (badStatus != 0) {
                result.complete(attempt.failed(Kind.HTTP_STATUS, badStatus, statusMessage()));
            } else if (!decoder.atBoundary()) {
                result.complete(attempt.failed(Kind.STREAM_CUT, 0,
                        "the deployment closed the response in the middle of a message"));
            } else {
                result.complete(attempt.result());
            }
        }

        private String statusMessage() {
            String body = new String(excerpt.array(), 0, excerpt.position(), StandardCharsets.UTF_8).strip();
            String what = badContentType != null
                    ? "content-type " + badContentType + " instead of " + endpoint.version().contentType()
                    : (body.isEmpty() ? "no body" : body);
            String hint = badStatus == 401 || badStatus == 403 ? " (the deployment verifies request signatures and"
                    + " refused Ferry's: set ferry.security.restate-signing-key to the private key of one of the SDK's"
                    + " identityKeys)" : "";
            hint += badStatus == 415 ? " (the deployment does not speak " + endpoint.version().contentType()
                    + "; register it again so that Ferry reads its protocol versions)" : "";
            return what + hint;
        }

        private AttemptResult failure(Throwable failure) {
            if (failure instanceof TimeoutException) {
                return attempt.failed(Kind.TRANSPORT, 0, "the deployment at " + endpoint.uri()
                        + " did not finish its answer in time");
            }
            if (failure instanceof ConnectException || failure.getCause() instanceof ConnectException) {
                return attempt.failed(Kind.TRANSPORT, 0, "could not connect to the deployment at " + endpoint.uri()
                        + ": " + failure.getMessage());
            }
            return attempt.failed(Kind.TRANSPORT, 0, "the request to the deployment at " + endpoint.uri()
                    + " failed: " + failure);
        }
    }

}
