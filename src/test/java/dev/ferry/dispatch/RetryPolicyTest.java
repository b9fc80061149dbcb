package dev.ferry.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.ferry.service.RetrySettings;
import dev.ferry.service.RetrySettings.OnMaxAttempts;

class RetryPolicyTest {

    private static final DispatchProperties.Retry DEFAULTS = new DispatchProperties.Retry(Duration.ofMillis(100), 2.0,
            Duration.ofSeconds(1), 5, OnMaxAttempts.PAUSE);

    @Test
    void backsOffExponentiallyUpToTheMaxInterval() {
        RetryPolicy policy = RetryPolicy.resolve(RetrySettings.inherit(), DEFAULTS);

        assertThat(policy.backoffAfter(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.backoffAfter(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.backoffAfter(4)).isEqualTo(Duration.ofMillis(800));
        assertThat(policy.backoffAfter(5)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.backoffAfter(60)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void handlerSettingsWinOverServiceSettingsWhichWinOverDefaults() {
        RetrySettings service = new RetrySettings(Duration.ofMillis(10), null, null, 3, OnMaxAttempts.KILL);
        RetrySettings handler = new RetrySettings(null, null, null, 7, null);

        RetryPolicy policy = RetryPolicy.resolve(handler.orElse(service), DEFAULTS);

        assertThat(policy).isEqualTo(new RetryPolicy(Duration.ofMillis(10), 2.0, Duration.ofSeconds(1), 7,
                OnMaxAttempts.KILL));
    }

    @Test
    void zeroMaxAttemptsMeansUnlimited() {
        RetryPolicy policy = new RetryPolicy(Duration.ofMillis(1), 1.0, Duration.ofMillis(1), 0, OnMaxAttempts.PAUSE);
        assertThat(policy.allowsAnotherAfter(1_000_000)).isTrue();
        assertThat(RetryPolicy.resolve(RetrySettings.inherit(), DEFAULTS).allowsAnotherAfter(5)).isFalse();
    }
}
