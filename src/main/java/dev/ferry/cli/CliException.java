package dev.ferry.cli;

/**
 * An error the user can act on. Its message is printed as the one line on stderr, with no stack trace, and
 * the command exits with status 1.
 */
class CliException extends RuntimeException {

    CliException(String message) {
        super(message, null, false, false);
    }
}
