import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A tiny Ferry handler: it logs every call it receives and answers 200 with {"ok":true}.
 * Run it with: java examples/logging-handler/LoggingHandler.java [port]   (default 9080, on 127.0.0.1)
 * Register it as any service; Ferry calls POST /{service}/{handler} or POST /{service}/{key}/{handler}.
 */
public class LoggingHandler {

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9080;
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 100);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", LoggingHandler::handle);
        server.start();
        System.out.println("Logging handler listening on http://127.0.0.1:" + port);
    }

    private static void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> ferryHeaders = new TreeMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> {
                String lower = name.toLowerCase();
                if (lower.startsWith("kafka.") || lower.equals("idempotency-key")
                        || lower.startsWith("restate.")) {
                    ferryHeaders.put(lower, String.join(",", values));
                }
            });
            System.out.printf("%s %s %s%n  headers: %s%n  body: %s%n", LocalTime.now(), exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(), ferryHeaders, body);
            byte[] response = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("content-type", "application/json");
            exchange.sendResponseHeaders(200, response.length);
            exchange.getResponseBody().write(response);
        }
    }
}
