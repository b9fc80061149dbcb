package dev.ferry.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** A value is made once per key, and no more values are kept than the bound. */
class KeptValuesTest {

    @Test
    void makesEachValueOnceAndStartsOverPastTheBound() {
        KeptValues<String, String> kept = new KeptValues<>(2);
        AtomicInteger made = new AtomicInteger();

        assertThat(kept.get("a", key -> key + made.incrementAndGet())).isEqualTo("a1");
        assertThat(kept.get("a", key -> key + made.incrementAndGet())).isEqualTo("a1");
        assertThat(kept.get("b", key -> key + made.incrementAndGet())).isEqualTo("b2");
        // a third key drops what was kept: "a" is made again
        assertThat(kept.get("c", key -> key + made.incrementAndGet())).isEqualTo("c3");
        assertThat(kept.get("a", key -> key + made.incrementAndGet())).isEqualTo("a4");
        assertThat(made).hasValue(4);
    }
}
