package dev.ferry.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy on 127.0.0.1 for fault tests: forwards every connection to a target port and can add latency to
 * each chunk it forwards (in both directions), cut every open connection, and refuse new ones by closing its
 * listening socket (so connects fail with "connection refused", as with a stopped server) until told to
 * {@link #accept()} again on the same port.
 */
public final class TcpProxy implements AutoCloseable {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final int targetPort;
    private final int port;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private volatile Duration latency = Duration.ZERO;
    private volatile ServerSocket listener;

    private TcpProxy(int targetPort) {
        this.targetPort = targetPort;
        this.listener = bind(0);
        this.port = listener.getLocalPort();
        threads.execute(() -> acceptLoop(listener));
    }

    /** Starts a proxy on a free port of 127.0.0.1 that forwards to {@code 127.0.0.1:targetPort}. */
    public static TcpProxy to(int targetPort) {
        return new TcpProxy(targetPort);
    }

    public int port() {
        return port;
    }

    /** Connections accepted since the start. */
    public long accepted() {
        return accepted.get();
    }

    /** Delays each chunk read from either side by {@code perChunk} before forwarding it; zero for none. */
    public void latency(Duration perChunk) {
        this.latency = perChunk;
    }

    /** Closes the listening socket and cuts every open connection: connects are refused until {@link #accept()}. */
    public synchronized void refuse() {
        closeQuietly(listener);
        listener = null;
        cutConnections();
    }

    /** Listens on the proxy's port again after {@link #refuse()}. */
    public synchronized void accept() {
        if (listener == null) {
            ServerSocket socket = bind(port);
            listener = socket;
            threads.execute(() -> acceptLoop(socket));
        }
    }

    /** Resets every open connection, both towards the client and towards the target. */
    public void cutConnections() {
        for (Socket socket : open) {
            try {
                socket.setSoLinger(true, 0);
            } catch (SocketException alreadyClosed) {
                // closing below is all that is left to do
            }
            closeQuietly(socket);
        }
        open.clear();
    }

    private void acceptLoop(ServerSocket socket) {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                accepted.incrementAndGet();
                threads.execute(() -> connect(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void connect(Socket client) {
        Socket target = new Socket();
        open.add(client);
        open.add(target);
        try {
            target.connect(new InetSocketAddress(LOOPBACK, targetPort), 5_000);
            threads.execute(() -> pump(target, client));
            pump(client, target);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(target);
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                Duration delay = latency;
                if (!delay.isZero()) {
                    // the injected fault itself, not a wait for a condition
                    LockSupport.parkNanos(delay.toNanos());
                }
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException cut) {
            // one side closed or was cut: end both
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static ServerSocket bind(int port) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(LOOPBACK, port), 200);
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not listen on 127.0.0.1:" + port, e);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception ignored) {
            // already closed
        }
    }

    @Override
    public synchronized void close() {
        closeQuietly(listener);
        listener = null;
        cutConnections();
        threads.shutdownNow();
    }
}
