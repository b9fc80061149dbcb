package dev.ferry.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small client for Ferry's REST API in tests: JSON in, status and JSON out. */
public final class Api {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String baseUrl;
    private final String authorization;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public Api(String baseUrl) {
        this(baseUrl, null);
    }

    private Api(String baseUrl, String authorization) {
        this.baseUrl = baseUrl;
        this.authorization = authorization;
    }

    /** The same API, sending {@code Authorization: Bearer <token>} with every request. */
    public Api withBearerToken(String token) {
        return new Api(baseUrl, "Bearer " + token);
    }

    /** A response: its status, headers and body parsed as JSON (a missing node when empty or not JSON). */
    public record Reply(int status, HttpHeaders headers, JsonNode body, String text) {

        public String location() {
            return headers.firstValue("location").orElse(null);
        }

        public String etag() {
            return headers.firstValue("etag").orElse(null);
        }
    }

    public Reply get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public Reply delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    public Reply post(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** A POST with one extra request header. */
    public Reply send(String path, String json, String header, String value) {
        return send(HttpRequest.newBuilder(uri(path)).header("content-type", "application/json").header(header, value)
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Reply patch(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path)).header("content-type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
    }

    /** A PATCH with {@code If-Match}. */
    public Reply patch(String path, String json, String ifMatch) {
        return send(HttpRequest.newBuilder(uri(path)).header("content-type", "application/json")
                .header("if-match", ifMatch).method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
    }

    /** A DELETE with {@code If-Match}. */
    public Reply delete(String path, String ifMatch) {
        return send(HttpRequest.newBuilder(uri(path)).header("if-match", ifMatch).DELETE());
    }

    public Reply put(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path)).header("content-type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    private URI uri(String path) {
        return URI.create(baseUrl + path);
    }

    private Reply send(HttpRequest.Builder request) {
        if (authorization != null) {
            request.header("authorization", authorization);
        }
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            String text = response.body();
            JsonNode body = parse(text);
            return new Reply(response.statusCode(), response.headers(), body, text);
        } catch (IOException e) {
            throw new IllegalStateException("Request to Ferry failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return JSON.missingNode();
        }
        try {
            return JSON.readTree(text);
        } catch (JacksonException notJson) {
            return JSON.missingNode();
        }
    }

    /** JSON text from a template with single quotes, for readable test bodies. */
    public static String json(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }
}
