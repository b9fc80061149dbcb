package dev.ferry.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs {@code ferry} in this JVM through {@link FerryCli#commandLine}, with its own environment variables,
 * standard input and terminal, and captures what it prints and its exit status. Nothing here touches
 * {@code System.out}, {@code System.in} or {@code System.exit}.
 */
final class Cli {

    private final Map<String, String> variables = new HashMap<>();
    private String stdin = "";
    private final Deque<String> answers = new ArrayDeque<>();
    private boolean interactive;
    private boolean piped;
    private final List<String> prompts = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);

    Cli(String adminUrl) {
        variables.put(CliEnvironment.ADMIN_URL, adminUrl);
    }

    /** What one run printed, and its exit status. */
    record Result(int status, String out, String err) {

        /** Everything printed, for assertions that something appears nowhere. */
        String all() {
            return out + err;
        }
    }

    Cli env(String name, String value) {
        variables.put(name, value);
        return this;
    }

    Cli stdin(String text) {
        this.stdin = text;
        return this;
    }

    /** A person at the terminal, who answers the questions with these lines in turn. */
    Cli answering(String... lines) {
        interactive = true;
        answers.addAll(List.of(lines));
        return this;
    }

    /** Standard output goes to a pipe, not to a terminal (which the other runs pretend to print on). */
    Cli piped() {
        piped = true;
        return this;
    }

    List<String> prompts() {
        return prompts;
    }

    /** Ends a running {@code --watch}, as Ctrl-C does. */
    void stopWatching() {
        stopped.countDown();
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(status, out.toString(), err.toString());
    }

    int run(PrintWriter out, PrintWriter err, String... args) {
        CliEnvironment.Terminal terminal = new CliEnvironment.Terminal() {

            @Override
            public boolean interactive() {
                return interactive;
            }

            @Override
            public String readLine(String prompt) {
                prompts.add(prompt);
                return answers.poll();
            }

            @Override
            public boolean showsOutput() {
                return !piped;
            }
        };
        CliEnvironment environment = new CliEnvironment(Map.copyOf(variables),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), terminal, Clock.systemUTC(),
                stopped, true);
        return FerryCli.commandLine(environment, out, err).execute(args);
    }
}
