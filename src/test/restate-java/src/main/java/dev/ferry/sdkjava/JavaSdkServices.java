package dev.ferry.sdkjava;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import com.sun.net.httpserver.HttpServer;
import dev.restate.sdk.endpoint.Endpoint;
import dev.restate.sdk.http.vertx.RestateHttpServer;
import io.vertx.core.http.HttpServerOptions;

/**
 * Serves {@link Tally} and {@link Greeter} with the Restate Java SDK's HTTP server (Vert.x, HTTP/2 cleartext and
 * HTTP/1.1) on 127.0.0.1 and the port given as the only argument, and a side endpoint on 127.0.0.1 and a free port
 * that answers {@code GET /runs} with how often each {@code ctx.run} closure really ran. Prints
 * {@code listening <port> <sidePort>} once both accept connections.
 */
public final class JavaSdkServices {

    private JavaSdkServices() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        Map<String, Integer> runs = new ConcurrentHashMap<>();
        Endpoint endpoint = Endpoint.builder().bind(new Tally(runs)).bind(new Greeter()).build();
        HttpServerOptions options = new HttpServerOptions().setHost("127.0.0.1").setPort(port)
                .setHttp2ClearTextEnabled(true);
        int bound = RestateHttpServer.fromEndpoint(endpoint, options).listen()
                .toCompletionStage().toCompletableFuture().join().actualPort();

        HttpServer side = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        side.createContext("/runs", exchange -> {
            byte[] body = runs.entrySet().stream().map(run -> "\"" + run.getKey() + "\":" + run.getValue())
                    .collect(Collectors.joining(",", "{", "}")).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("content-type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        side.start();
        System.out.println("listening " + bound + " " + side.getAddress().getPort());
    }
}
