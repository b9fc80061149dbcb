package dev.ferry.testsupport;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Node packages the tests run, pinned by {@code src/test/node/package-lock.json}: Node 24, the Restate
 * TypeScript SDK, Restate's CLI and restate-server. {@code .ci/run} installs them with {@code npm ci}; when they are
 * missing, the first test that needs them installs them the same way, and a test is skipped only where npm cannot.
 */
public final class NodePackages {

    private static final Path ROOT = Path.of("src/test/node").toAbsolutePath();
    private static final Path BIN = ROOT.resolve("node_modules/.bin");

    private static String failure;

    private NodePackages() {
    }

    /** Node 24's own binary. */
    public static Path node() {
        return installed("node");
    }

    /** Restate's command-line client. */
    public static Path restateCli() {
        return installed("restate");
    }

    /**
     * restate-server's native binary (Linux x64), run directly: the package's {@code .bin} entry is a Node script
     * that would need a {@code node} on the path.
     */
    public static Path restateServer() {
        return installed(ROOT.resolve("node_modules/@restatedev/restate-server-linux-x64/bin/restate-server"));
    }

    /** Where the packages live: scripts run from here resolve {@code @restatedev/restate-sdk}. */
    public static Path root() {
        return ROOT;
    }

    private static Path installed(String binary) {
        return installed(BIN.resolve(binary));
    }

    private static synchronized Path installed(Path path) {
        if (!Files.isExecutable(path) && failure == null) {
            failure = install();
        }
        assumeTrue(Files.isExecutable(path), () -> "Node packages are not installed (" + failure
                + "): run npm ci --prefix src/test/node");
        return path;
    }

    private static String install() {
        try {
            Path log = Files.createTempFile("ferry-npm", ".log");
            Process npm = new ProcessBuilder(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"))
                    .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!npm.waitFor(10, TimeUnit.MINUTES)) {
                npm.destroyForcibly();
                return "npm ci did not finish within 10 minutes";
            }
            String output = Files.readString(log, StandardCharsets.UTF_8).strip();
            Files.deleteIfExists(log);
            return npm.exitValue() == 0 ? null : "npm ci failed: " + output.lines().reduce("", (a, b) -> b);
        } catch (IOException e) {
            return "npm is not installed";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
