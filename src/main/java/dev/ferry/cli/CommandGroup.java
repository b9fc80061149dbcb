package dev.ferry.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** A command that only groups others, such as {@code ferry kc}: run alone, it says which ones there are. */
abstract class CommandGroup implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: give one of "
                + String.join(", ", spec.subcommands().keySet().stream()
                        .filter(name -> spec.subcommands().get(name).getCommandName().equals(name)).toList()) + ".");
    }
}
