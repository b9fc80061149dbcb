package dev.ferry.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The benchmark's Restate SDK handlers: Node running {@code src/test/node/services/bench-sdk.mjs} with the
 * TypeScript SDK, on 127.0.0.1, HTTP/2 cleartext. A process of its own, so that its CPU can be told apart.
 */
final class SdkHandler implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final Children children;
    private final Children.Child child;
    private final int port;
    private final JsonHttp stats;

    private SdkHandler(Children children, Children.Child child, int port, JsonHttp stats) {
        this.children = children;
        this.child = child;
        this.port = port;
        this.stats = stats;
    }

    /** Starts Node with the handlers' script and waits until both its ports answer. */
    static SdkHandler start(BenchSettings settings, Children children, int scenario) {
        BenchSettings.Sdk sdk = settings.sdk();
        if (!Files.isExecutable(Path.of(sdk.node()))) {
            throw new IllegalStateException("Node is missing at " + sdk.node() + "; run npm ci --prefix src/test/node");
        }
        int port = Ports.free();
        int statsPort = Ports.free();
        Children.Child child = children.start("sdk-handler-s" + scenario, List.of(sdk.node(), sdk.script(),
                Integer.toString(port), Integer.toString(statsPort)));
        SdkHandler handler = new SdkHandler(children, child, port, new JsonHttp("http://127.0.0.1:" + statsPort));
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try {
            while (!handler.stats.answers("/stats")) {
                Children.requireAlive(child);
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The SDK handler did not answer within " + START_TIMEOUT
                            + "; see " + child.log());
                }
                Kafka.sleep(200);
            }
            return handler;
        } catch (RuntimeException e) {
            handler.close();
            throw e;
        }
    }

    /** The Restate endpoint's URI, as registered with Ferry. */
    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    Children.Child child() {
        return child;
    }

    JsonHttp stats() {
        return stats;
    }

    @Override
    public void close() {
        children.stop(child, STOP_GRACE);
    }
}
