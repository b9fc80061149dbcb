package dev.ferry.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The {@code ferry} command: a plain picocli program (no Spring) that manages Ferry through its REST API.
 * {@link #main} runs it against the real terminal and exits; {@link #commandLine} builds it for a given
 * environment, which is how tests run it in-process.
 */
@Command(name = "ferry", versionProvider = FerryCli.Version.class,
        description = {"Manage the Kafka clusters, services, subscriptions and invocations of a Ferry through its"
                + " REST API.", "",
                "Environment: FERRY_ADMIN_URL (default " + CliEnvironment.DEFAULT_URL + "), FERRY_TOKEN (sent as a"
                        + " bearer token), EDITOR (for --edit and edit)."},
        subcommands = {KafkaClusterCommands.class, SubscriptionCommands.class, ServiceCommands.class,
                DeploymentCommands.class, InvocationCommands.class, StateCommands.class,
                AutoComplete.GenerateCompletion.class})
public final class FerryCli extends CommandGroup {

    private final CliEnvironment environment;

    @Mixin
    private CommonOptions common;

    @Option(names = {"-V", "--version"}, versionHelp = true, description = "Show the version and exit.")
    boolean version;

    FerryCli(CliEnvironment environment) {
        this.environment = environment;
    }

    CliEnvironment environment() {
        return environment;
    }

    CommonOptions common() {
        return common;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, System.out.charset()), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, System.err.charset()), true);
        int status = commandLine(CliEnvironment.system(), out, err).execute(args);
        out.flush();
        err.flush();
        System.exit(status);
    }

    /**
     * The command line for an environment, printing to the given writers. Errors are printed as one line on
     * {@code err}, never a stack trace: status 1 for a failed command, 2 for a usage mistake.
     */
    static CommandLine commandLine(CliEnvironment environment, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new FerryCli(environment));
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setUsageHelpWidth(80);
        commandLine.setExecutionExceptionHandler((exception, command, parseResult) -> {
            command.getErr().println("error: " + describe(exception));
            command.getErr().flush();
            return 1;
        });
        commandLine.setParameterExceptionHandler((exception, args) -> {
            CommandLine command = exception.getCommandLine();
            command.getErr().println("error: %s (see '%s --help')".formatted(oneLine(exception.getMessage()),
                    command.getCommandSpec().qualifiedName()));
            command.getErr().flush();
            return 2;
        });
        return commandLine;
    }

    private static String describe(Exception exception) {
        if (exception instanceof CliException) {
            return oneLine(exception.getMessage());
        }
        Throwable cause = exception instanceof UncheckedIOException ? exception.getCause() : exception;
        String message = cause.getMessage();
        return oneLine(cause.getClass().getSimpleName() + (message == null ? "" : ": " + message));
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** The version from the jar's manifest. */
    static final class Version implements IVersionProvider {

        @Override
        public String[] getVersion() {
            String version = FerryCli.class.getPackage().getImplementationVersion();
            return new String[] {"ferry " + (version == null ? "(development build)" : version)};
        }
    }
}
