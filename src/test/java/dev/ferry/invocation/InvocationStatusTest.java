package dev.ferry.invocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The status sets statements are written from must match the partial indexes defined over them, or PostgreSQL
 * stops using the index on the hot path without a word.
 */
class InvocationStatusTest {

    /** The migrations that create the indexes over statuses, oldest first. */
    private static final List<String> MIGRATIONS = List.of("V2__create_invocations.sql",
            "V13__add_suspensions_and_completions.sql");

    @ParameterizedTest
    @CsvSource({"invocations_key_active, HOLDING_KEY", "invocations_runnable, RUNNABLE"})
    void statusSetsMatchThePartialIndexesOverThem(String index, String set) throws IOException {
        Set<InvocationStatus> statuses = switch (set) {
            case "HOLDING_KEY" -> InvocationStatus.HOLDING_KEY;
            case "RUNNABLE" -> InvocationStatus.RUNNABLE;
            default -> throw new IllegalArgumentException(set);
        };

        assertThat(InvocationStatus.sql(statuses)).isEqualTo(predicateOf(index));
    }

    @ParameterizedTest
    @CsvSource({"BACKING_OFF, 'backing-off'", "COMPLETED, 'completed'"})
    void writesAStatusAsTheLiteralTheTableHolds(InvocationStatus status, String literal) {
        assertThat(status.sql()).isEqualTo("'" + literal + "'");
        assertThat(InvocationStatus.fromWire(literal)).contains(status);
    }

    /** The list in {@code where status in (...)} of the index, as the last migration that creates it writes it. */
    private static String predicateOf(String index) throws IOException {
        String predicate = null;
        for (String name : MIGRATIONS) {
            try (InputStream in = InvocationStatusTest.class.getResourceAsStream("/db/migration/" + name)) {
                String migration = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                Matcher matcher = Pattern.compile("create index " + index
                        + " on [^;]*? where status in \\(([^)]*)\\);").matcher(migration);
                while (matcher.find()) {
                    predicate = matcher.group(1);
                }
            }
        }
        assertThat(predicate).as("index %s in %s", index, MIGRATIONS).isNotNull();
        return predicate;
    }
}
