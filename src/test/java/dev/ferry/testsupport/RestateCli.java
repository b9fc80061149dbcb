package dev.ferry.testsupport;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Restate's own CLI ({@code @restatedev/restate} from {@link NodePackages}) pointed at a Ferry through
 * {@code RESTATE_ADMIN_URL}, with its configuration in a directory of the test's own, no colours and no prompts.
 */
public final class RestateCli {

    private static final Pattern ANSI = Pattern.compile("\u001B\\[[;\\d]*[A-Za-z]");

    private final Path binary;
    private final String adminUrl;
    private final Path home;

    /** What one command printed (standard output and error together, colours stripped) and its exit status. */
    public record Run(int status, String output) {
    }

    private RestateCli(Path binary, String adminUrl, Path home) {
        this.binary = binary;
        this.adminUrl = adminUrl;
        this.home = home;
    }

    /** The CLI against the Ferry at {@code adminUrl}; skips the test when the Node packages cannot be installed. */
    public static RestateCli against(String adminUrl, Path home) {
        return new RestateCli(NodePackages.restateCli(), adminUrl, home);
    }

    /** Runs {@code restate ARGS...}, for at most 60 seconds. */
    public Run run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(binary.toString()));
        command.addAll(List.of(args));
        Path output = Files.createTempFile("restate-cli-", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().putAll(Map.of("RESTATE_ADMIN_URL", adminUrl,
                    "RESTATE_CLI_CONFIG_HOME", home.toString(), "NO_COLOR", "1", "HOME", home.toString()));
            Process process = builder.start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Run(-1, "timed out: " + command);
            }
            String text = ANSI.matcher(Files.readString(output, StandardCharsets.UTF_8)).replaceAll("");
            return new Run(process.exitValue(), text);
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
