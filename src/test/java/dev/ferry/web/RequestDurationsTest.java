package dev.ferry.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestDurationsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(textBlock = """
            500ms, PT0.5S
            30s,   PT30S
            PT1H,  PT1H
            365d,  PT8760H
            """)
    void readsDurationsUpToTheMaximum(String text, Duration expected) {
        assertThat(RequestDurations.positive("timeout", text, RequestDurations.MAX_WAIT)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            366d                 | out of range: give a duration above 0 up to 365d
            100000000000000d     | out of range
            9223372036854775807s | out of range
            3000000d             | out of range
            0s                   | out of range
            -1s                  | out of range
            soon                 | not a duration
            1e3s                 | not a duration
            """)
    void refusesWhatIsNotAPositiveDurationOfAtMost365Days(String text, String reason) {
        assertThatThrownBy(() -> RequestDurations.positive("timeout", text, RequestDurations.MAX_WAIT))
                .isInstanceOfSatisfying(InvalidRequest.class, e -> {
                    assertThat(e.detail()).startsWith("'timeout' is '").contains(reason);
                    assertThat(e.fields()).containsEntry("field", "timeout");
                });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(textBlock = """
            0s,    PT0S
            3650d, PT87600H
            """)
    void allowsZeroWhereAsked(String text, Duration expected) {
        assertThat(RequestDurations.nonNegative("retention", text, RequestDurations.MAX_RETENTION)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(textBlock = "3651d")
    void holdsRetentionToTenYears(String text) {
        assertThatThrownBy(() -> RequestDurations.positive("retention", text, RequestDurations.MAX_RETENTION))
                .hasMessageContaining("up to 3650d");
    }
}
