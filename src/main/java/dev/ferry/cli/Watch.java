package dev.ferry.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Shows a view again every two seconds until the user presses Ctrl-C, like {@code watch(1)}. The first
 * view is shown at once and a failure there ends the command; later failures are shown in place of the
 * view, since Ferry may come back.
 */
final class Watch {

    static final long PERIOD_SECONDS = 2;

    private static final String CLEAR_SCREEN = "\033[H\033[2J";

    private Watch() {
    }

    static int run(CliEnvironment env, PrintWriter out, String title, boolean json, Consumer<PrintWriter> view) {
        out.print(render(env, title, json, view, true));
        out.flush();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "ferry-watch");
            thread.setDaemon(true);
            return thread;
        });
        try {
            timer.scheduleWithFixedDelay(() -> {
                String screen;
                try {
                    screen = render(env, title, json, view, false);
                } catch (CliException e) {
                    screen = (json ? "" : CLEAR_SCREEN + header(env, title)) + "error: " + e.getMessage()
                            + System.lineSeparator();
                }
                out.print(screen);
                out.flush();
            }, PERIOD_SECONDS, PERIOD_SECONDS, TimeUnit.SECONDS);
            env.stopped().await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            timer.shutdownNow();
        }
        return 0;
    }

    /** The whole screen at once, so it does not flicker while the view is fetched. */
    private static String render(CliEnvironment env, String title, boolean json, Consumer<PrintWriter> view,
            boolean first) {
        StringWriter screen = new StringWriter();
        PrintWriter writer = new PrintWriter(screen);
        if (!json) {
            writer.print((first ? "" : CLEAR_SCREEN) + header(env, title));
        }
        view.accept(writer);
        writer.flush();
        return screen.toString();
    }

    private static String header(CliEnvironment env, String title) {
        return "Every %ds: %s    %s%n%n".formatted(PERIOD_SECONDS, title,
                Instant.now(env.clock()).truncatedTo(ChronoUnit.SECONDS));
    }
}
