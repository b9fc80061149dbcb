package dev.ferry.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Lets the user edit text in {@code $VISUAL} or {@code $EDITOR} (else {@code vi}), as {@code git commit} does:
 * the text goes into a private temporary file, the editor runs on the terminal, and the file is read back and
 * deleted. The variable may hold arguments, e.g. {@code code --wait}.
 */
final class Editor {

    private Editor() {
    }

    static String edit(CliEnvironment env, String fileName, String text) {
        String editor = env.variable("VISUAL") != null ? env.variable("VISUAL")
                : env.variable("EDITOR") != null ? env.variable("EDITOR") : "vi";
        Path directory = null;
        Path file = null;
        try {
            directory = Files.createTempDirectory("ferry-");
            file = directory.resolve(fileName);
            Files.writeString(file, text);
            restrict(file);
            Process process = new ProcessBuilder("sh", "-c", editor + " \"$1\"", "sh", file.toString())
                    .inheritIO().start();
            int status = process.waitFor();
            if (status != 0) {
                throw new CliException("The editor ('%s') exited with status %d; nothing was changed."
                        .formatted(editor, status));
            }
            return Files.readString(file);
        } catch (IOException e) {
            throw new CliException("Cannot run the editor ('%s'): %s. Set EDITOR to your editor.".formatted(editor,
                    e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("Interrupted while waiting for the editor; nothing was changed.");
        } finally {
            delete(file);
            delete(directory);
        }
    }

    /** The file may receive secrets: only its owner may read it. */
    private static void restrict(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system; the temporary directory is the user's own
        }
    }

    private static void delete(Path path) {
        if (path != null) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // a temporary file left behind is not worth failing the command for
            }
        }
    }
}
