package dev.ferry.bench;

import java.time.Duration;
import java.util.Optional;

/**
 * Bounds the life of a helper process: it exits when the process that started it is gone (even if that one was
 * killed outright and never cleaned up) and at the latest after a maximum lifetime.
 */
final class Lifetime {

    private static final Duration CHECK_EVERY = Duration.ofSeconds(2);

    private Lifetime() {
    }

    /** Starts a daemon thread that ends this JVM once its parent dies or {@code max} has passed. */
    static void boundTo(Duration max) {
        Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        long deadline = System.nanoTime() + max.toNanos();
        Thread watchdog = new Thread(() -> {
            while (System.nanoTime() < deadline) {
                if (parent.isPresent() && !parent.get().isAlive()) {
                    System.err.println("Parent process " + parent.get().pid() + " is gone; exiting");
                    System.exit(3);
                }
                try {
                    Thread.sleep(CHECK_EVERY);
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.err.println("Maximum lifetime of " + max + " reached; exiting");
            System.exit(4);
        }, "lifetime-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /** The maximum lifetime from the system property {@code bench.max-lifetime} (e.g. {@code 6h}), default 6 hours. */
    static Duration fromProperty() {
        String value = System.getProperty("bench.max-lifetime", "PT6H");
        return Duration.parse(value.startsWith("P") ? value : "PT" + value.toUpperCase());
    }
}
