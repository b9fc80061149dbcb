package dev.ferry.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The pool settings bind under {@code ferry.dispatch.http} beside the dispatcher's own, with their defaults. */
class HandlerHttpPropertiesTest {

    @Test
    void bindsThePoolSettingsBesideTheDispatchSettings() {
        Binder binder = new Binder(new MapConfigurationPropertySource(Map.of(
                "ferry.dispatch.max-in-flight", "64",
                "ferry.dispatch.http.max-connections-per-endpoint", "8",
                "ferry.dispatch.http.idle-timeout", "5s")));

        HandlerHttpProperties pools = binder.bindOrCreate("ferry.dispatch.http", HandlerHttpProperties.class);
        DispatchProperties dispatch = binder.bindOrCreate("ferry.dispatch", DispatchProperties.class);

        assertThat(pools).isEqualTo(new HandlerHttpProperties(8, 1024, Duration.ofSeconds(5)));
        assertThat(dispatch.maxInFlight()).isEqualTo(64);
    }

    @Test
    void defaultsToAsManyConnectionsPerEndpointAsCallsInFlight() {
        Binder empty = new Binder(new MapConfigurationPropertySource(Map.of()));

        HandlerHttpProperties pools = empty.bindOrCreate("ferry.dispatch.http", HandlerHttpProperties.class);

        assertThat(pools).isEqualTo(HandlerHttpProperties.defaults());
        assertThat(pools.maxConnectionsPerEndpoint())
                .isEqualTo(empty.bindOrCreate("ferry.dispatch", DispatchProperties.class).maxInFlight());
    }
}
