package dev.ferry.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void idsHaveThePrefixAnd26Base32Characters() {
        assertThat(Ids.next("sub_", Instant.now())).matches("sub_[0-9a-hjkmnp-tv-z]{26}");
    }

    @Test
    void laterIdsSortAfterEarlierOnes() {
        String earlier = Ids.next("inv_", Instant.parse("2026-01-01T00:00:00Z"));
        String later = Ids.next("inv_", Instant.parse("2026-01-01T00:00:00.001Z"));
        assertThat(later).isGreaterThan(earlier);
    }

    @Test
    void idsDoNotRepeat() {
        Set<String> ids = new HashSet<>();
        Instant now = Instant.now();
        for (int i = 0; i < 100_000; i++) {
            ids.add(Ids.next("inv_", now));
        }
        assertThat(ids).hasSize(100_000);
    }
}
