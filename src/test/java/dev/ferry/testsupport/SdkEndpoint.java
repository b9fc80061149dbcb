package dev.ferry.testsupport;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Restate SDK deployment under test: a script of {@code src/test/node/services} run by Node 24 with the pinned
 * TypeScript SDK, serving HTTP/2 cleartext ({@code http2.createServer}) or HTTP/1.1 ({@code http.createServer}) on
 * 127.0.0.1 and a port picked here. A script takes the port, the transport and optional arguments; one that
 * prints {@code listening <port> <sidePort>} also answers {@code GET /runs} on the side port with how often each
 * {@code ctx.run} closure really ran, counted outside the protocol.
 */
public final class SdkEndpoint implements AutoCloseable {

    /** How the endpoint is served. */
    public enum Transport {
        H2C("h2c"), HTTP1("http1");

        private final String argument;

        Transport(String argument) {
            this.argument = argument;
        }
    }

    private final Process process;
    private final int port;
    private final AtomicInteger sidePort = new AtomicInteger();
    private final StringBuffer output = new StringBuffer();

    private SdkEndpoint(Process process, int port) {
        this.process = process;
        this.port = port;
        Thread.ofVirtual().start(this::readOutput);
    }

    /** Starts {@code script} (a file of {@code src/test/node/services}) and waits until it accepts connections. */
    public static SdkEndpoint start(String script, Transport transport, String... arguments) {
        return startOn(Ports.freePort(), script, transport, arguments);
    }

    /** The same on a given port, e.g. to serve another revision where an earlier endpoint was. */
    public static SdkEndpoint startOn(int port, String script, Transport transport, String... arguments) {
        Path node = NodePackages.node();
        List<String> command = new ArrayList<>(List.of(node.toString(), "services/" + script, String.valueOf(port),
                transport.argument));
        command.addAll(List.of(arguments));
        return startProcess(port, command, NodePackages.root(), script);
    }

    /**
     * The services of {@code src/test/restate-java}, written with the Restate Java SDK, in a JVM of their own (see
     * {@link JavaSdkProject}); its Vert.x server speaks HTTP/2 cleartext and HTTP/1.1.
     */
    public static SdkEndpoint startJava() {
        int port = Ports.freePort();
        List<String> command = List.of(ProcessHandle.current().info().command().orElseThrow(), "-Xmx128m",
                "-XX:TieredStopAtLevel=1", "-cp", JavaSdkProject.classPath(), JavaSdkProject.MAIN_CLASS,
                String.valueOf(port));
        return startProcess(port, command, JavaSdkProject.root(), JavaSdkProject.MAIN_CLASS);
    }

    private static SdkEndpoint startProcess(int port, List<String> command, Path directory, String name) {
        try {
            Process process = new ProcessBuilder(command).directory(directory.toFile())
                    .redirectErrorStream(true).start();
            SdkEndpoint endpoint = new SdkEndpoint(process, port);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited with " + process.exitValue() + ": "
                            + endpoint.log());
                }
                return accepts(port);
            });
            return endpoint;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void readOutput() {
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                String[] parts = line.split(" ");
                if (parts.length == 3 && parts[0].equals("listening")) {
                    sidePort.compareAndSet(0, Integer.parseInt(parts[2]));
                }
                output.append(line).append('\n');
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** The URI to register, {@code http://127.0.0.1:PORT}. */
    public String uri() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** How often the {@code ctx.run} closure of this name has really run. */
    public int runs(String name) {
        await().atMost(Duration.ofSeconds(10)).until(() -> sidePort.get() != 0);
        try (HttpClient client = HttpClient.newHttpClient()) {
            String body = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidePort.get() + "/runs"))
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

    /** What the endpoint printed so far. */
    public String log() {
        return output.toString();
    }

    /** Ends the endpoint with SIGKILL, as a crash would, mid-attempt or not, and waits until its port is free. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !accepts(port));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !accepts(port));
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
