package dev.ferry.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Ferry's REST API over the JDK's HTTP client: JSON in, JSON out, and every failure turned into a
 * {@link CliException} with one line that says what went wrong (the API problem's {@code detail}, or which
 * URL could not be reached).
 */
final class AdminClient implements AutoCloseable {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final String baseUrl;
    private final String token;
    private final HttpClient http;

    AdminClient(String baseUrl, String token) {
        this.baseUrl = checked(baseUrl);
        this.token = token == null || token.isBlank() ? null : token.strip();
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT).build();
    }

    /** A response: the HTTP status, the body as JSON (a missing node when empty) and the ETag (or null). */
    record Reply(int status, JsonNode body, String etag) {
    }

    String baseUrl() {
        return baseUrl;
    }

    JsonNode get(String path) {
        return send("GET", path, null).body();
    }

    /** A GET whose reply keeps the ETag, to send back as If-Match with a change. */
    Reply read(String path) {
        return send("GET", path, null);
    }

    Reply post(String path, JsonNode body) {
        return send("POST", path, body);
    }

    Reply patch(String path, JsonNode body) {
        return send("PATCH", path, body);
    }

    /** A PATCH that Ferry refuses (412) unless the resource is still at the version of {@code etag}. */
    Reply patch(String path, JsonNode body, String etag) {
        return send("PATCH", path, body, etag);
    }

    Reply put(String path, JsonNode body) {
        return send("PUT", path, body);
    }

    Reply delete(String path) {
        return send("DELETE", path, null);
    }

    /**
     * Stops the client's selector thread. Until it stops it waits in native code, and the JVM's exit
     * waits up to 300 ms for such threads, which would add that much to every command.
     */
    @Override
    public void close() {
        http.shutdownNow();
    }

    /** A path segment, percent-encoded, for names and ids inside a path. */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** {@code path?name=value&...} with the non-null values, encoded. */
    static String withQuery(String path, Map<String, ?> parameters) {
        Map<String, Object> present = new LinkedHashMap<>();
        parameters.forEach((name, value) -> {
            if (value != null) {
                present.put(name, value);
            }
        });
        if (present.isEmpty()) {
            return path;
        }
        return path + "?" + present.entrySet().stream()
                .map(entry -> entry.getKey() + "="
                        + URLEncoder.encode(String.valueOf(entry.getValue()), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private Reply send(String method, String path, JsonNode body) {
        return send(method, path, body, null);
    }

    private Reply send(String method, String path, JsonNode body, String etag) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(REQUEST_TIMEOUT)
                .header("accept", "application/json, application/problem+json");
        if (etag != null) {
            request.header("if-match", etag);
        }
        if (token != null) {
            request.header("authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("content-type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException e) {
            throw new CliException("Cannot reach Ferry at %s: the connection timed out. Check --url or FERRY_ADMIN_URL."
                    .formatted(baseUrl));
        } catch (HttpTimeoutException e) {
            throw new CliException("Ferry at %s did not answer %s %s within %ds.".formatted(baseUrl, method, path,
                    REQUEST_TIMEOUT.toSeconds()));
        } catch (ConnectException e) {
            throw new CliException("Cannot reach Ferry at %s: connection refused. Start Ferry, or point --url or"
                    .formatted(baseUrl) + " FERRY_ADMIN_URL at it.");
        } catch (IOException e) {
            throw new CliException("Cannot talk to Ferry at %s: %s".formatted(baseUrl,
                    e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("Interrupted while waiting for Ferry at " + baseUrl);
        }
        JsonNode json = parse(response.body());
        if (response.statusCode() >= 400) {
            throw problem(method, path, response.statusCode(), json);
        }
        if (json == null) {
            throw new CliException("Ferry at %s answered %s %s with something that is not JSON; is --url the address of"
                    .formatted(baseUrl, method, path) + " Ferry's API?");
        }
        return new Reply(response.statusCode(), json, response.headers().firstValue("etag").orElse(null));
    }

    private ApiProblem problem(String method, String path, int status, JsonNode json) {
        JsonNode body = json == null ? Json.MAPPER.missingNode() : json;
        String detail = Json.text(body, "detail");
        if (detail == null) {
            detail = Json.text(body, "message");
        }
        if (detail == null) {
            String title = Json.text(body, "title");
            detail = "Ferry answered %s %s with %d%s."
                    .formatted(method, path, status, title == null ? "" : " " + title);
        }
        return new ApiProblem(status, detail.strip().replaceAll("\\s*\\R\\s*", " "), body);
    }

    /** The body as JSON; a missing node when empty, null when it is not JSON at all. */
    private static JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return Json.MAPPER.missingNode();
        }
        try {
            return Json.MAPPER.readTree(text);
        } catch (JacksonException e) {
            return null;
        }
    }

    private static String checked(String url) {
        String trimmed = url.strip();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        try {
            URI uri = URI.create(trimmed);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw new CliException("'%s' is not the URL of Ferry's API; give one like http://127.0.0.1:8080."
                    .formatted(url));
        }
        return trimmed;
    }
}
