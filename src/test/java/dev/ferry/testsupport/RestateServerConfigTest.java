package dev.ferry.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class RestateServerConfigTest {

    @Test
    void bindsEveryListenerToLoopbackOverTcp() {
        String toml = new RestateServerConfig("bench", Path.of("/tmp/restate/data"), 1001, 1002, 1003, 0, null)
                .toml();

        assertThat(toml).isEqualTo("""
                node-name = "bench"
                base-dir = "/tmp/restate/data"
                bind-ip = "127.0.0.1"
                listen-mode = "tcp"
                bind-port = 1001
                disable-telemetry = true

                [admin]
                bind-port = 1002

                [ingress]
                bind-port = 1003
                """);
    }

    @Test
    void setsPartitionsAndMemoryOnlyWhenGiven() {
        String toml = new RestateServerConfig("oracle", Path.of("/data"), 1, 2, 3, 2, "256 MiB").toml();

        assertThat(toml).contains("\ndefault-num-partitions = 2\nrocksdb-total-memory-size = \"256 MiB\"\n\n[admin]");
        assertThat(new RestateServerConfig("oracle", Path.of("/data"), 1, 2, 3, 0, null).toml())
                .doesNotContain("default-num-partitions").doesNotContain("rocksdb");
    }

    @Test
    void escapesWhatWouldEndATomlString() {
        assertThat(RestateServerConfig.string("/tmp/a \"b\"\\c\td")).isEqualTo("\"/tmp/a \\\"b\\\"\\\\c\\u0009d\"");
    }
}
