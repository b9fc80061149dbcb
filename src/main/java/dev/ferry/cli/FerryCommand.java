package dev.ferry.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * The base of every leaf command: the common options, the environment, output, confirmation and the
 * API client. A command returns its exit status; errors are thrown as {@link CliException}.
 */
abstract class FerryCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    private AdminClient client;

    @Override
    public final Integer call() {
        try {
            return run();
        } finally {
            if (client != null) {
                client.close();
            }
        }
    }

    /** Does the work; 0 on success. */
    abstract int run();

    CliEnvironment env() {
        return root().environment();
    }

    private FerryCli root() {
        return (FerryCli) spec.root().userObject();
    }

    private CommonOptions common() {
        return root().common();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    boolean json() {
        return common().json;
    }

    AdminClient client() {
        if (client == null) {
            client = new AdminClient(common().url != null ? common().url : env().adminUrl(),
                    env().variable(CliEnvironment.TOKEN));
        }
        return client;
    }

    void printJson(JsonNode node) {
        printJson(out(), node);
    }

    static void printJson(PrintWriter out, JsonNode node) {
        out.println(Json.pretty(node));
        out.flush();
    }

    /** Prints a line for people; nothing in {@code --json} mode, whose output is only JSON. */
    void say(String line) {
        if (!json()) {
            out().println(line);
            out().flush();
        }
    }

    void print(Table table) {
        print(out(), table);
    }

    void print(Fields fields) {
        print(out(), fields);
    }

    void print(PrintWriter out, Table table) {
        table.print(out, env().width(), env().ellipsis());
    }

    void print(PrintWriter out, Fields fields) {
        fields.print(out);
    }

    /** Prints the API's warnings (accepted but ignored properties, ...) on stderr. */
    void warnings(JsonNode response) {
        for (JsonNode warning : response.path("warnings")) {
            warn(warning.asString());
        }
    }

    void warn(String message) {
        err().println("warning: " + Table.clean(message));
        err().flush();
    }

    /**
     * Asks the question when a person is at the terminal and {@code --yes} was not given; throws with the
     * {@code declined} message unless the answer is yes. Without a terminal (scripts, pipes) it goes ahead.
     */
    void confirm(String question, String declined) {
        if (common().yes || !env().terminal().interactive()) {
            return;
        }
        out().flush();
        String answer = env().terminal().readLine(question + " [y/N] ");
        String normalized = answer == null ? "" : answer.strip().toLowerCase(Locale.ROOT);
        if (!normalized.equals("y") && !normalized.equals("yes")) {
            throw new CliException(declined);
        }
    }

    /** A usage error: printed with a pointer to {@code --help}, exit status 2. */
    ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** The text of {@code -f FILE}, or of standard input for {@code -f -}. */
    String readFile(String file) {
        if ("-".equals(file)) {
            return env().readStdin();
        }
        try {
            return Files.readString(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new CliException("Cannot read '%s': there is no such file.".formatted(file));
        } catch (IOException e) {
            throw new CliException("Cannot read '%s': %s".formatted(file, e.getMessage()));
        }
    }
}
