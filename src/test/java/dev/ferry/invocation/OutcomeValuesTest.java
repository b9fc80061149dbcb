package dev.ferry.invocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class OutcomeValuesTest {

    @Test
    void removesNulAndLoneSurrogatesAndCutsLongTexts() {
        assertThat(OutcomeValues.text("HTTP 503: a\u0000b", 100)).isEqualTo("HTTP 503: ab");
        assertThat(OutcomeValues.text("x\uD800y\uDC00z", 100)).isEqualTo("xyz");
        assertThat(OutcomeValues.text("\uD83D\uDE00ok", 100)).isEqualTo("\uD83D\uDE00ok");
        assertThat(OutcomeValues.text("abcdef", 4)).isEqualTo("abc…");
        assertThat(OutcomeValues.text("abcd", 4)).isEqualTo("abcd");
        assertThat(OutcomeValues.text("ab\uD83D\uDE00cd", 4)).isEqualTo("ab…");
        assertThat(OutcomeValues.text(null, 4)).isNull();
    }

    @Test
    void keepsInstantsWithinWhatPostgresStores() {
        assertThat(OutcomeValues.instant(Instant.MAX)).isEqualTo(OutcomeValues.LATEST);
        assertThat(OutcomeValues.instant(Instant.MIN)).isEqualTo(OutcomeValues.EARLIEST);
        Instant now = Instant.parse("2026-03-01T12:00:00Z");
        assertThat(OutcomeValues.instant(now)).isEqualTo(now);
    }

    @Property(tries = 1000)
    void everyTextBecomesStorable(@ForAll String text) {
        String stored = OutcomeValues.failure(text);

        assertThat(stored).doesNotContain("\u0000").hasSizeLessThanOrEqualTo(OutcomeValues.MAX_FAILURE_CHARS);
        for (int i = 0; i < stored.length(); i++) {
            char c = stored.charAt(i);
            if (Character.isHighSurrogate(c)) {
                assertThat(Character.isLowSurrogate(stored.charAt(++i))).isTrue();
            } else {
                assertThat(Character.isLowSurrogate(c)).isFalse();
            }
        }
    }
}
