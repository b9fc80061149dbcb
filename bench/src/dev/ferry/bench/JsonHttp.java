package dev.ferry.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small JSON-over-HTTP client for the REST API of Ferry and the handler's counters. */
final class JsonHttp {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    JsonHttp(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    String baseUrl() {
        return baseUrl;
    }

    /** GETs a path; throws unless it answers 2xx. */
    JsonNode get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
    }

    /** POSTs JSON to a path; throws unless it answers 2xx. */
    JsonNode post(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** POSTs JSON to a path asking for an answer of the given media type; throws unless it answers 2xx. */
    JsonNode post(String path, String json, String accept) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("content-type", "application/json")
                .header("accept", accept).POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** GETs a path as text; throws unless it answers 2xx. */
    String text(String path) {
        return body(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
    }

    /** Whether a GET of the path answers 2xx now. */
    boolean answers(String path) {
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() / 100 == 2;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private JsonNode send(HttpRequest.Builder request) {
        String body = body(request);
        return body == null || body.isBlank() ? JSON.missingNode() : JSON.readTree(body);
    }

    /** Sends a request and returns the body of its answer; throws unless it answers 2xx. */
    private String body(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(response.request().method() + " " + response.uri() + " answered "
                        + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException("Request to " + baseUrl + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
