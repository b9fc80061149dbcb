package dev.ferry.deployment;

import java.net.ConnectException;
import java.net.URI;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.WWWAuthenticationProtocolHandler;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import dev.ferry.security.RestateRequestIdentity;

/**
 * Asks an endpoint for its manifest, {@code GET {uri}/discover}, over HTTP/2 cleartext with prior knowledge (what
 * {@code restate.serve()} and {@code http2.createServer} endpoints speak) or over HTTP/1.1. Without
 * {@code use_http_11}, an endpoint that fails the HTTP/2 exchange (but accepts the connection) is asked again over
 * HTTP/1.1, and is then called over HTTP/1.1.
 */
@Component
class DiscoveryClient implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(DiscoveryClient.class);
    /** How long an endpoint has to answer discovery, connection included. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** The largest manifest Ferry reads. */
    static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

    private final HttpClient h2c;
    private final HttpClient http11;
    private final RestateRequestIdentity identity;

    DiscoveryClient(RestateRequestIdentity identity) throws Exception {
        this.identity = identity;
        this.h2c = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client()));
        this.http11 = new HttpClient();
        for (HttpClient client : new HttpClient[] {h2c, http11}) {
            QueuedThreadPool threads = new QueuedThreadPool(8, 1);
            threads.setName(client == h2c ? "discovery-h2c" : "discovery-http11");
            client.setExecutor(threads);
            client.setConnectTimeout(TIMEOUT.toMillis());
            client.setFollowRedirects(false);
            client.setUserAgentField(null);
            client.start();
            // a deployment that verifies request identity answers 401 without a challenge: report it, not a
            // protocol violation
            client.getProtocolHandlers().remove(WWWAuthenticationProtocolHandler.NAME);
        }
    }

    /** The public key Ferry signs its requests with, when it signs them. */
    Optional<String> publicKey() {
        return identity.publicKey();
    }

    /** The manifest's answer, and whether it came over HTTP/1.1. */
    record Answer(int status, String contentType, byte[] body, String server, boolean http11) {
    }

    Answer discover(String uri, boolean useHttp11) {
        if (useHttp11) {
            try {
                return exchange(http11, uri, true);
            } catch (ExchangeFailed e) {
                throw DiscoveryFailed.unreachable(uri, "over HTTP/1.1: " + e.getMessage());
            }
        }
        try {
            return exchange(h2c, uri, false);
        } catch (DiscoveryFailed e) {
            throw e;
        } catch (ExchangeFailed e) {
            log.debug("HTTP/2 discovery of {} failed ({}), trying HTTP/1.1", uri, e.getMessage());
            try {
                return exchange(http11, uri, true);
            } catch (ExchangeFailed second) {
                throw DiscoveryFailed.unreachable(uri, "over HTTP/2 cleartext: %s; over HTTP/1.1: %s"
                        .formatted(e.getMessage(), second.getMessage()));
            }
        }
    }

    private Answer exchange(HttpClient client, String uri, boolean http11) {
        URI discover = URI.create(uri + "/discover");
        Map<String, String> signature = identity.sign(discover.getRawPath());
        Request request = client.newRequest(discover).method(HttpMethod.GET)
                .headers(headers -> {
                    headers.put(HttpHeader.ACCEPT, EndpointManifest.ACCEPT);
                    signature.forEach(headers::put);
                })
                .timeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        try {
            ContentResponse response = new CompletableResponseListener(request, MAX_MANIFEST_BYTES).send()
                    .get(TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
            return new Answer(response.getStatus(), response.getHeaders().get(HttpHeader.CONTENT_TYPE),
                    response.getContent(), response.getHeaders().get("x-restate-server"), http11);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ConnectException || cause instanceof UnresolvedAddressException) {
                throw DiscoveryFailed.unreachable(uri, cause instanceof ConnectException
                        ? "connection refused: nothing listens there" : "the host name does not resolve");
            }
            throw new ExchangeFailed(describe(cause));
        } catch (TimeoutException e) {
            throw DiscoveryFailed.unreachable(uri, "no answer within " + TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DiscoveryFailed.unreachable(uri, "interrupted");
        }
    }

    private static String describe(Throwable cause) {
        if (cause instanceof TimeoutException) {
            return "no answer within " + TIMEOUT.toSeconds() + " s";
        }
        String message = cause.getMessage();
        String text = cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    @Override
    public void destroy() throws Exception {
        h2c.stop();
        http11.stop();
    }

    /** The exchange failed after the connection was made; another HTTP version may do. */
    private static final class ExchangeFailed extends RuntimeException {

        ExchangeFailed(String message) {
            super(message, null, false, false);
        }
    }
}
