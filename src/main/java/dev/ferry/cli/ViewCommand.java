package dev.ferry.cli;

import java.io.PrintWriter;

import picocli.CommandLine.Option;

/** A {@code list} or {@code describe} command: shows a view once, or again every two seconds with {@code --watch}. */
abstract class ViewCommand extends FerryCommand {

    @Option(names = "--watch", description = "Show it again every 2 seconds until Ctrl-C.")
    boolean watch;

    /** Fetches and prints the view: JSON in {@code --json} mode, else tables. */
    abstract void show(PrintWriter out);

    @Override
    final int run() {
        if (!watch) {
            show(out());
            return 0;
        }
        return Watch.run(env(), out(), spec.qualifiedName(), json(), this::show);
    }
}
