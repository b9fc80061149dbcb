package dev.ferry.cli;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * What a command may read from the world around it: environment variables, standard input, the terminal
 * (for confirmations), a clock, and a signal that ends a {@code --watch}. {@link #system()} is the real
 * one; tests build their own, so that commands run in-process without touching the JVM's streams.
 */
record CliEnvironment(Map<String, String> variables, InputStream stdin, Terminal terminal, Clock clock,
        CountDownLatch stopped, boolean unicode) {

    static final String ADMIN_URL = "FERRY_ADMIN_URL";
    static final String TOKEN = "FERRY_TOKEN";
    static final String DEFAULT_URL = "http://127.0.0.1:8080";

    /** The user's terminal, when there is one: asks questions and reads the answers. */
    interface Terminal {

        /** True when a person can answer questions (standard input is a terminal). */
        boolean interactive();

        /** Shows the prompt and reads one line; null at end of input. */
        String readLine(String prompt);

        /** True when standard output goes to a terminal, not to a pipe or a file. */
        default boolean showsOutput() {
            return interactive();
        }
    }

    static CliEnvironment system() {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "ferry-cli-stop"));
        boolean unicode = System.out.charset().newEncoder().canEncode('\u2026');
        return new CliEnvironment(System.getenv(), System.in, new SystemTerminal(), Clock.systemUTC(),
                stopped, unicode);
    }

    /**
     * Columns for tables: {@code COLUMNS} when the shell exports it, else the classic 80; unlimited when the output
     * is not a terminal, so that a pipe or a file gets every cell whole.
     */
    int width() {
        if (!terminal.showsOutput()) {
            return Integer.MAX_VALUE;
        }
        try {
            String columns = variable("COLUMNS");
            return columns == null ? 80 : Math.max(40, Integer.parseInt(columns.strip()));
        } catch (NumberFormatException e) {
            return 80;
        }
    }

    /** What marks a truncated cell: an ellipsis where the output can show one. */
    String ellipsis() {
        return unicode ? "\u2026" : "...";
    }

    String variable(String name) {
        String value = variables.get(name);
        return value == null || value.isBlank() ? null : value;
    }

    String adminUrl() {
        String url = variable(ADMIN_URL);
        return url == null ? DEFAULT_URL : url;
    }

    String readStdin() {
        try {
            return new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JVM's console, when standard input and output are a terminal. */
    private static final class SystemTerminal implements Terminal {

        @Override
        public boolean interactive() {
            Console console = System.console();
            return console != null && isTerminal(console);
        }

        @Override
        public String readLine(String prompt) {
            Console console = System.console();
            return console == null ? null : console.readLine("%s", prompt);
        }

        /**
         * From JDK 22 {@code System.console()} may return a console when the streams are redirected, and
         * {@code Console.isTerminal()} (absent in 21) tells the difference.
         */
        private static boolean isTerminal(Console console) {
            try {
                Method isTerminal = Console.class.getMethod("isTerminal");
                return (Boolean) isTerminal.invoke(console);
            } catch (NoSuchMethodException e) {
                return true;
            } catch (ReflectiveOperationException e) {
                return false;
            }
        }
    }
}
