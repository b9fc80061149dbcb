package dev.ferry.testsupport;

import java.nio.file.Path;

/**
 * The configuration file of a single-node restate-server whose every listener (the node-to-node fabric, admin and
 * ingress) binds 127.0.0.1 over TCP, with telemetry off: what the tests' {@link RestateServer} and the benchmark's
 * restate-server run with. Left out, the number of partitions and RocksDB's memory are the server's defaults.
 *
 * @param nodeName      the node's name
 * @param baseDir       where the server keeps its data
 * @param fabricPort    the node-to-node port
 * @param adminPort     the admin API's port
 * @param ingressPort   the ingress port
 * @param partitions    {@code default-num-partitions}; 0 leaves the server's default
 * @param rocksdbMemory {@code rocksdb-total-memory-size}, e.g. {@code 256 MiB}; null leaves the server's default
 */
public record RestateServerConfig(String nodeName, Path baseDir, int fabricPort, int adminPort, int ingressPort,
        int partitions, String rocksdbMemory) {

    /** The file's text, in TOML. */
    public String toml() {
        StringBuilder text = new StringBuilder();
        text.append("node-name = ").append(string(nodeName)).append('\n')
                .append("base-dir = ").append(string(baseDir.toString())).append('\n')
                .append("bind-ip = \"127.0.0.1\"\n")
                .append("listen-mode = \"tcp\"\n")
                .append("bind-port = ").append(fabricPort).append('\n')
                .append("disable-telemetry = true\n");
        if (partitions > 0) {
            text.append("default-num-partitions = ").append(partitions).append('\n');
        }
        if (rocksdbMemory != null) {
            text.append("rocksdb-total-memory-size = ").append(string(rocksdbMemory)).append('\n');
        }
        return text.append("\n[admin]\nbind-port = ").append(adminPort).append('\n')
                .append("\n[ingress]\nbind-port = ").append(ingressPort).append('\n').toString();
    }

    /** A TOML basic string: quoted, with backslashes, quotes and control characters escaped. */
    static String string(String value) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '\\' -> quoted.append("\\\\");
                case '"' -> quoted.append("\\\"");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        quoted.append("\\u%04x".formatted((int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
