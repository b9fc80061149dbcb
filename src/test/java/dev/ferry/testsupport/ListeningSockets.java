package dev.ferry.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Reads the TCP sockets in state LISTEN from {@code /proc/net/tcp} and {@code /proc/net/tcp6} (Linux only), so
 * tests can assert which address a server bound to.
 */
public final class ListeningSockets {

    private static final String LISTEN_STATE = "0A";

    private ListeningSockets() {
    }

    /**
     * A listening socket.
     *
     * @param address the local address, e.g. {@code 127.0.0.1}, {@code 0.0.0.0}, {@code ::} or {@code ::1};
     *                an IPv4-mapped IPv6 address ({@code ::ffff:127.0.0.1}, what Java's dual-stack sockets bind
     *                to) is reported in its IPv4 form with {@code ipv6 = true}
     * @param port    the local port
     * @param ipv6    whether it was found in {@code /proc/net/tcp6}
     */
    public record Socket(String address, int port, boolean ipv6) {
    }

    /**
     * Returns whether this platform exposes {@code /proc/net/tcp}.
     *
     * @return {@code true} on Linux
     */
    static boolean supported() {
        return Files.isReadable(Path.of("/proc/net/tcp"));
    }

    /**
     * Returns all listening sockets bound to the given port (IPv4 and IPv6).
     *
     * @param port a TCP port
     * @return the listening sockets on that port
     */
    static List<Socket> onPort(int port) {
        return matching(columns -> port(columns) == port);
    }

    /**
     * Returns every listening socket a process holds open (IPv4 and IPv6), whatever its port.
     *
     * @param pid a process id
     * @return the process's listening sockets
     */
    public static List<Socket> ofProcess(long pid) {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> descriptors = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            descriptors.forEach(descriptor -> {
                try {
                    String target = Files.readSymbolicLink(descriptor).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor went away while listing
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return matching(columns -> columns.length > 9 && inodes.contains(columns[9]));
    }

    private static List<Socket> matching(Predicate<String[]> filter) {
        List<Socket> result = new ArrayList<>();
        read(Path.of("/proc/net/tcp"), false, filter, result);
        read(Path.of("/proc/net/tcp6"), true, filter, result);
        return result;
    }

    private static int port(String[] columns) {
        return Integer.parseInt(columns[1].split(":")[1], 16);
    }

    private static void read(Path file, boolean ipv6, Predicate<String[]> filter, List<Socket> result) {
        if (!Files.isReadable(file)) {
            return;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String line : lines.subList(1, lines.size())) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length < 4 || !LISTEN_STATE.equals(columns[3])) {
                continue;
            }
            if (!filter.test(columns)) {
                continue;
            }
            String address = columns[1].split(":")[0];
            result.add(new Socket(ipv6 ? ipv6(address) : ipv4(address), port(columns), ipv6));
        }
    }

    /** /proc/net/tcp stores an IPv4 address as one 32-bit word in host order (little-endian on x86/arm). */
    private static String ipv4(String hex) {
        byte[] bytes = word(hex);
        return (bytes[0] & 0xFF) + "." + (bytes[1] & 0xFF) + "." + (bytes[2] & 0xFF) + "." + (bytes[3] & 0xFF);
    }

    /** /proc/net/tcp6 stores an IPv6 address as four 32-bit words, each in host order. */
    private static String ipv6(String hex) {
        byte[] address = new byte[16];
        for (int i = 0; i < 4; i++) {
            System.arraycopy(word(hex.substring(i * 8, i * 8 + 8)), 0, address, i * 4, 4);
        }
        try {
            // InetAddress turns ::ffff:a.b.c.d into an Inet4Address
            return InetAddress.getByAddress(address).getHostAddress().toLowerCase(Locale.ROOT)
                    .replace("0:0:0:0:0:0:0:0", "::").replace("0:0:0:0:0:0:0:1", "::1");
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] word(String hex) {
        // the kernel printed the 32-bit word as a number; writing it back in native order restores the bytes
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt((int) Long.parseLong(hex, 16)).array();
    }
}
