package dev.ferry.testsupport;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Restate SDK deployment under test: a script of {@code src/test/node/services} run by Node 24 with the pinned
 * TypeScript SDK, serving HTTP/2 cleartext ({@code http2.createServer}) or HTTP/1.1 ({@code http.createServer}) on
 * 127.0.0.1 and a port picked here. The script takes the port, the transport and optional arguments.
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

    private SdkEndpoint(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts {@code script} (a file of {@code src/test/node/services}) and waits until it accepts connections. */
    public static SdkEndpoint start(String script, Transport transport, String... arguments) {
        return startOn(freePort(), script, transport, arguments);
    }

    /** The same on a given port, e.g. to serve another revision where an earlier endpoint was. */
    public static SdkEndpoint startOn(int port, String script, Transport transport, String... arguments) {
        Path node = NodePackages.node();
        List<String> command = new ArrayList<>(List.of(node.toString(), "services/" + script, String.valueOf(port),
                transport.argument));
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).directory(NodePackages.root().toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            SdkEndpoint endpoint = new SdkEndpoint(process, port);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException(script + " exited with " + process.exitValue());
                }
                return accepts(port);
            });
            return endpoint;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The URI to register, {@code http://127.0.0.1:PORT}. */
    public String uri() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !accepts(port));
    }

    /** A port nothing listens on now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
