package dev.ferry.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
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
    void restateStyleIdsHaveThePrefixTheEncodingVersionAnd22Base62Digits() {
        String id = Ids.nextRestateStyle("sub_", Instant.parse("2026-01-01T00:00:00Z"));

        assertThat(id).matches("sub_1[0-9a-zA-Z]{22}");
        // the 22 digits hold the 128-bit ULID: the first 48 bits are the milliseconds
        BigInteger value = BigInteger.ZERO;
        for (char digit : id.substring(5).toCharArray()) {
            value = value.multiply(BigInteger.valueOf(62)).add(BigInteger.valueOf(
                    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".indexOf(digit)));
        }
        assertThat(value.bitLength()).isLessThanOrEqualTo(128);
        assertThat(value.shiftRight(80).longValue()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
        assertThat(Ids.nextRestateStyle("sub_", Instant.EPOCH)).startsWith("sub_10000");
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

    @Test
    void theLowerBoundOfAMillisecondSortsBetweenTheIdsBeforeAndAfterIt() {
        Instant at = Instant.parse("2026-11-25T12:00:00.123Z");
        String bound = Ids.lowerBound("inv_", at);
        assertThat(Ids.next("inv_", at.minusMillis(1))).isLessThan(bound);
        assertThat(Ids.next("inv_", at)).isGreaterThanOrEqualTo(bound);
        assertThat(Ids.next("inv_", at.plusMillis(1))).isGreaterThan(bound);
    }
}
