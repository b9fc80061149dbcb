package dev.ferry.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** A meter is registered once per name and tag values, and what is recorded lands in the registered one. */
class KnownMetersTest {

    @Test
    void registersEachMeterOnceAndRecordsIntoTheRegisteredOne() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        KnownMeters meters = new KnownMeters();
        AtomicInteger registrations = new AtomicInteger();

        for (int i = 0; i < 3; i++) {
            for (String handler : new String[] {"deposit", "balance"}) {
                meters.<Counter>get(() -> {
                    registrations.incrementAndGet();
                    return Counter.builder("calls").tags("handler", handler).register(registry);
                }, "calls", handler).increment();
            }
        }

        assertThat(registrations).hasValue(2);
        assertThat(registry.get("calls").tag("handler", "deposit").counter().count()).isEqualTo(3.0);
        assertThat(registry.get("calls").tag("handler", "balance").counter().count()).isEqualTo(3.0);
    }
}
