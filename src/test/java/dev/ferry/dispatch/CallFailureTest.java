package dev.ferry.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every way a plain HTTP call ends carries the reason and status class its meters are tagged with. */
class CallFailureTest {

    @ParameterizedTest(name = "HTTP {0} -> {1} / {2}")
    @CsvSource({
            "200, none, 2xx",
            "204, none, 2xx",
            "400, 4xx, 4xx",
            "408, 4xx, 4xx",
            "422, 4xx, 4xx",
            "429, 429, 4xx",
            "500, 5xx, 5xx",
            "503, 5xx, 5xx",
    })
    void classifiesAnswersByStatus(int status, String reason, String statusClass) {
        CallResult result = HandlerClient.classify(status, null, null, null, Instant.EPOCH);

        CallFailure failure = CallFailure.of(result);
        assertThat(failure.reason()).isEqualTo(reason);
        assertThat(failure.statusClass()).isEqualTo(statusClass);
    }

    @Test
    void tellsTimeoutsFromConnectionFailures() {
        Duration timeout = Duration.ofSeconds(1);

        assertThat(kind(HandlerClient.failure(new HttpTimeoutException("late"), timeout)))
                .isEqualTo(CallFailure.TIMEOUT);
        assertThat(kind(HandlerClient.failure(new HttpConnectTimeoutException("no"), timeout)))
                .isEqualTo(CallFailure.CONNECTION);
        assertThat(kind(HandlerClient.failure(new ConnectException("refused"), timeout)))
                .isEqualTo(CallFailure.CONNECTION);
        assertThat(kind(HandlerClient.failure(new IOException("reset"), timeout))).isEqualTo(CallFailure.CONNECTION);
        assertThat(kind(HandlerClient.failure(new IllegalStateException(), timeout))).isEqualTo(CallFailure.OTHER);
        assertThat(CallFailure.TIMEOUT.statusClass()).isEqualTo("none");
    }

    private static CallFailure kind(CallResult result) {
        return ((CallResult.Retryable) result).kind();
    }
}
