package dev.ferry.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP handler for tests, on 127.0.0.1: records every request it receives and answers with
 * whatever the test's responder decides (200 with an empty JSON object by default).
 */
public final class HandlerServer implements AutoCloseable {

    /** One request as the handler saw it. */
    public record Received(String method, String path, Map<String, String> headers, byte[] body, Instant at) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** What the handler answers: {@code body}, then {@code filler} bytes of {@code x}, streamed. */
    public record Response(int status, String body, Map<String, String> headers, long filler) {

        public Response(int status, String body, Map<String, String> headers) {
            this(status, body, headers, 0);
        }

        /** A body of {@code bytes} bytes, streamed without ever being held in memory whole. */
        public static Response sized(int status, long bytes, Map<String, String> headers) {
            return new Response(status, "", headers, bytes);
        }

        public static Response ok(String body) {
            return new Response(200, body, Map.of("content-type", "application/json"));
        }

        public static Response status(int status) {
            return new Response(status, "", Map.of());
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile Function<Received, Response> responder = request -> Response.ok("{}");

    private HandlerServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public static HandlerServer start() {
        try {
            return new HandlerServer();
        } catch (IOException e) {
            throw new IllegalStateException("Could not start the test handler", e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public HandlerServer respondWith(Function<Received, Response> responder) {
        this.responder = responder;
        return this;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((name, values) ->
                    headers.put(name.toLowerCase(Locale.ROOT), values.getFirst()));
            Received request = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), headers,
                    body.readAllBytes(), Instant.now());
            received.add(request);
            Response response = responder.apply(request);
            byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
            long length = bytes.length + response.filler();
            response.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            exchange.sendResponseHeaders(response.status(), length == 0 ? -1 : length);
            if (length > 0) {
                exchange.getResponseBody().write(bytes);
                fill(exchange.getResponseBody(), response.filler());
            }
        } catch (IOException clientWentAway) {
            // a client may stop reading a long body; that is its right
        }
    }

    private static void fill(OutputStream out, long bytes) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) 'x');
        for (long left = bytes; left > 0; left -= chunk.length) {
            out.write(chunk, 0, (int) Math.min(left, chunk.length));
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
