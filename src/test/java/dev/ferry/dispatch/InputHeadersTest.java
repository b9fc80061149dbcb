package dev.ferry.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.ferry.invocation.ClaimedInvocation;
import dev.ferry.invocation.KafkaOrigin;
import dev.ferry.invocation.RecordHeader;

/** The W3C trace context of a record continues into the handler call as the standard headers. */
class InputHeadersTest {

    private static final String PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void passesTheRecordsTraceContextOnAsStandardHeadersBesidesTheKafkaOnes() {
        List<InputHeaders.Header> headers = InputHeaders.of(invocation(header("traceparent", PARENT),
                header("tracestate", "shop=checkout")));

        assertThat(headers).contains(new InputHeaders.Header("traceparent", PARENT),
                new InputHeaders.Header("tracestate", "shop=checkout"),
                new InputHeaders.Header("kafka.header.traceparent", PARENT),
                new InputHeaders.Header("kafka.header.tracestate", "shop=checkout"));
    }

    @Test
    void givesTheContextOfFerrysSpanOfTheCallInsteadWhenTracingRuns() {
        String call = "00-4bf92f3577b34da6a3ce929d0e0e4736-b7ad6b7169203331-01";
        ClaimedInvocation traced = invocation(header("traceparent", PARENT)).withTrace(Map.of("traceparent", call));

        assertThat(InputHeaders.of(traced)).filteredOn(h -> h.name().equals("traceparent"))
                .containsExactly(new InputHeaders.Header("traceparent", call));
        assertThat(InputHeaders.of(traced)).contains(new InputHeaders.Header("kafka.header.traceparent", PARENT));
    }

    @Test
    void dropsAMalformedTraceparentAndTheStateThatCameWithIt() {
        for (String malformed : List.of("00-xyz-00f067aa0ba902b7-01",
                "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")) {
            List<InputHeaders.Header> headers = InputHeaders.of(invocation(header("traceparent", malformed),
                    header("tracestate", "shop=checkout")));

            assertThat(headers).extracting(InputHeaders.Header::name).doesNotContain("traceparent", "tracestate")
                    .contains("kafka.header.traceparent");
        }
    }

    @Test
    void givesAnRpcCallOnlyItsSpansContext() {
        ClaimedInvocation rpc = new ClaimedInvocation("inv_1", "S", "h", null, false, new byte[0], List.of(), null, 1)
                .withTrace(Map.of("traceparent", PARENT));

        assertThat(InputHeaders.of(rpc)).containsExactly(new InputHeaders.Header("traceparent", PARENT));
    }

    private static ClaimedInvocation invocation(RecordHeader... headers) {
        return new ClaimedInvocation("inv_1", "S", "h", null, false, new byte[0], List.of(headers),
                new KafkaOrigin("sub_1", "orders", 0, 7L, Instant.EPOCH, null), 1);
    }

    private static RecordHeader header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.US_ASCII));
    }
}
