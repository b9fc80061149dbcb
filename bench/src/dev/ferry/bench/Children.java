package dev.ferry.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The processes the benchmark starts, each with its own log file. Every pid is also appended to a file, so the
 * launching script can still end them if this JVM is killed outright; {@link #close()} stops what is left.
 */
final class Children implements AutoCloseable {

    private static final Duration GRACE = Duration.ofSeconds(30);

    /** One started process. */
    record Child(String name, Process process, Path log) {

        long pid() {
            return process.pid();
        }

        boolean isAlive() {
            return process.isAlive();
        }
    }

    private final Path logDir;
    private final Path pidFile;
    private final List<Child> started = new ArrayList<>();

    Children(Path logDir, Path pidFile) {
        this.logDir = logDir;
        this.pidFile = pidFile;
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a process whose output goes to {@code <log dir>/<name>.log}. */
    synchronized Child start(String name, List<String> command) {
        Path log = logDir.resolve(name + ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            Files.writeString(pidFile, process.pid() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Child child = new Child(name, process, log);
            started.add(child);
            return child;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + name + ": " + String.join(" ", command), e);
        }
    }

    /** Asks a process to stop (SIGTERM), and kills it if it has not stopped within {@code grace}. */
    void stop(Child child, Duration grace) {
        if (child == null || !child.isAlive()) {
            return;
        }
        child.process().destroy();
        try {
            if (!child.process().waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                System.err.println(child.name() + " did not stop within " + grace + "; killing it");
                child.process().destroyForcibly();
                child.process().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            child.process().destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Fails with the tail of the process's log if it has exited. */
    static void requireAlive(Child child) {
        if (!child.isAlive()) {
            throw new IllegalStateException(child.name() + " exited with " + child.process().exitValue()
                    + "; last lines of " + child.log() + ":\n" + tail(child.log(), 30));
        }
    }

    static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public synchronized void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            stop(started.get(i), GRACE);
        }
        started.clear();
    }
}
