package dev.ferry.testsupport;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Restate SDK endpoint written for the tests ({@code src/test/node/services/*.mjs}), run by Node 24 with the
 * pinned TypeScript SDK: over HTTP/2 cleartext ({@code http2.createServer}) or HTTP/1.1 ({@code
 * http.createServer}), on 127.0.0.1 only. The script prints {@code listening <port> <sidePort>}; the side port
 * answers {@code GET /runs} with how often each {@code ctx.run} closure really ran, counted outside the protocol.
 */
public final class SdkEndpoint implements AutoCloseable {

    private final Process process;
    private final int port;
    private final int sidePort;
    private final Path log;

    private SdkEndpoint(Process process, int port, int sidePort, Path log) {
        this.process = process;
        this.port = port;
        this.sidePort = sidePort;
        this.log = log;
    }

    /** Starts {@code services/<script>} and waits until it listens. */
    public static SdkEndpoint start(String script, boolean http11) {
        Path node = NodePackages.node();
        try {
            Path log = Files.createTempFile("ferry-sdk-endpoint", ".log");
            Process process = new ProcessBuilder(List.of(node.toString(), "services/" + script, http11 ? "h1" : "h2", "0"))
                    .directory(NodePackages.root().toFile())
                    .redirectError(log.toFile())
                    .start();
            AtomicReference<String> listening = new AtomicReference<>();
            Thread reader = Thread.ofVirtual().start(() -> readLines(process, listening));
            await().atMost(Duration.ofSeconds(30)).until(() -> listening.get() != null || !process.isAlive());
            if (listening.get() == null) {
                reader.interrupt();
                throw new IllegalStateException("the SDK endpoint exited: " + Files.readString(log));
            }
            String[] parts = listening.get().split(" ");
            return new SdkEndpoint(process, Integer.parseInt(parts[1]), Integer.parseInt(parts[2]), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void readLines(Process process, AtomicReference<String> listening) {
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("listening ") && listening.get() == null) {
                    listening.set(line);
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** The endpoint's base URI. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** How often the {@code ctx.run} closure of this name has really run. */
    public int runs(String name) {
        try (HttpClient client = HttpClient.newHttpClient()) {
            String body = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidePort + "/runs"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
            Map<String, Integer> runs = JsonMapper.builder().build().readValue(body, new TypeReference<>() { });
            return runs.getOrDefault(name, 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What the endpoint wrote to stderr so far. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // a temporary file left behind
        }
    }
}
