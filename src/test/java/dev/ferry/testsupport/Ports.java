package dev.ferry.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** TCP ports for the servers tests start, all on 127.0.0.1. */
public final class Ports {

    private Ports() {
    }

    /**
     * A port nothing listens on now on 127.0.0.1. Another process could take it before the caller binds it; the
     * window is small enough for tests, and a test that needs a closed port gets one this way too.
     */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free port on 127.0.0.1", e);
        }
    }
}
