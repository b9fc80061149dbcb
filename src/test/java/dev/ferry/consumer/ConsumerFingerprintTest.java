package dev.ferry.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.ferry.cluster.ClusterDetails;
import dev.ferry.subscription.KafkaSource;
import dev.ferry.subscription.ServiceSink;
import dev.ferry.subscription.SubscriptionDetails;
import dev.ferry.subscription.SubscriptionOptions;
import dev.ferry.subscription.SubscriptionState;

class ConsumerFingerprintTest {

    private static final Instant SAVED = Instant.parse("2026-12-01T10:15:30.123456789Z");

    @Test
    void aSubscriptionReadBackFromTheDatabaseIsTheOneJustSaved() {
        Instant readBack = SAVED.truncatedTo(ChronoUnit.MICROS);

        assertThat(desired(readBack, readBack, "x").fingerprint())
                .as("a consumer started from the saved rows is not restarted for what PostgreSQL rounds off")
                .isEqualTo(desired(SAVED, SAVED, "x").fingerprint());
    }

    @Test
    void aChangedSubscriptionOrClusterIsAnotherConsumer() {
        String started = desired(SAVED, SAVED, "x").fingerprint();

        assertThat(desired(SAVED.plusMillis(1), SAVED, "x").fingerprint()).isNotEqualTo(started);
        assertThat(desired(SAVED, SAVED.plusMillis(1), "x").fingerprint()).isNotEqualTo(started);
        assertThat(desired(SAVED, SAVED, "y").fingerprint()).isNotEqualTo(started);
    }

    private static ConsumerReconciler.Desired desired(Instant subscriptionUpdated, Instant clusterUpdated,
            String option) {
        SubscriptionOptions options = new SubscriptionOptions("sub_1", null, null, null,
                Map.of("fetch.min.bytes", option));
        return new ConsumerReconciler.Desired(new SubscriptionDetails("sub_1", new KafkaSource("local", "orders"),
                new ServiceSink("Account", "deposit"), options, SubscriptionState.RUNNING, subscriptionUpdated),
                new ClusterDetails("local", Map.of("bootstrap.servers", "127.0.0.1:9092"), clusterUpdated));
    }
}
