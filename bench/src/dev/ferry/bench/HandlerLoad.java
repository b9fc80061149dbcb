package dev.ferry.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Checks that {@link CountingHandler} is not what limits a run: keeps {@code connections} keep-alive
 * connections busy with benchmark-shaped calls for {@code seconds} and prints the calls per second. Plain
 * blocking sockets keep the load generator itself cheap, so the figure is a lower bound of the handler's rate.
 *
 * <p>Usage: {@code HandlerLoad <port> [connections] [seconds]}.
 */
public final class HandlerLoad {

    private HandlerLoad() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        Result result = run(port, connections, seconds);
        System.out.printf("%d calls in %.1f s over %d connections: %.0f calls/s (%d connections failed)%n",
                result.calls(), result.seconds(), connections, result.callsPerSecond(), result.failedConnections());
    }

    /** What a load run achieved. */
    record Result(long calls, double seconds, long failedConnections) {

        double callsPerSecond() {
            return calls / seconds;
        }
    }

    /** Loads the handler on 127.0.0.1:{@code port} for {@code seconds} over {@code connections} connections. */
    static Result run(int port, int connections, int seconds) throws InterruptedException {
        LongAdder done = new LongAdder();
        LongAdder failed = new LongAdder();
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        long started = System.nanoTime();
        for (int c = 0; c < connections; c++) {
            int connection = c;
            threads.add(Thread.ofPlatform().name("load-" + c).daemon().start(() -> {
                try {
                    load(port, connection, connections, deadline, done);
                } catch (IOException e) {
                    failed.increment();
                    System.err.println("Connection " + connection + " failed: " + e);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join(seconds * 1000L + 30_000);
        }
        return new Result(done.sum(), (System.nanoTime() - started) / 1e9, failed.sum());
    }

    private static void load(int port, int connection, int connections, long deadline, LongAdder done)
            throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
            long timestamp = System.currentTimeMillis();
            for (long i = connection; System.nanoTime() < deadline && i < Integer.MAX_VALUE; i += connections) {
                byte[] body = BenchRecord.value(i, 1000, 128);
                String head = "POST /Bench/run HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
                        + "kafka.timestamp: " + timestamp + "\r\nkafka.topic: bench\r\nkafka.partition: 0\r\n"
                        + "kafka.offset: " + i + "\r\nidempotency-key: inv_" + i + "\r\ncontent-length: " + body.length
                        + "\r\n\r\n";
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                readResponse(in);
                done.increment();
            }
        }
    }

    /** Reads one response: the status line and headers, then content-length bytes of body. */
    private static void readResponse(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int contentLength = 0;
        boolean statusLine = true;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed");
            }
            if (b == '\n') {
                String text = line.toString().strip();
                line.setLength(0);
                if (text.isEmpty()) {
                    break;
                }
                if (statusLine) {
                    if (!text.startsWith("HTTP/1.1 200")) {
                        throw new IOException("unexpected response: " + text);
                    }
                    statusLine = false;
                } else if (text.regionMatches(true, 0, "content-length:", 0, 15)) {
                    contentLength = Integer.parseInt(text.substring(15).strip());
                }
            } else {
                line.append((char) b);
            }
        }
        in.readNBytes(contentLength);
    }
}
