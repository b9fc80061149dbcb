package dev.ferry.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.invocation.FailureReason;
import dev.ferry.invocation.InvocationStatus;
import dev.ferry.invocation.NewInvocation;
import dev.ferry.invocation.RecordHeader;
import dev.ferry.service.HandlerTarget;
import dev.ferry.service.HandlerType;
import dev.ferry.service.InputFormat;
import dev.ferry.service.RetrySettings;
import dev.ferry.service.ServiceProtocol;
import dev.ferry.service.ServiceType;

class RecordConverterTest {

    private final RecordConverter converter = new RecordConverter(JsonMapper.builder().build(), () -> "inv_1");

    @Test
    void exclusiveHandlersQueueByObjectKey() {
        NewInvocation invocation = converter.convert("sub_1", target(ServiceType.VIRTUAL_OBJECT, HandlerType.EXCLUSIVE,
                InputFormat.JSON), record("alice", "{\"amount\":1}"));

        assertThat(invocation.status()).isEqualTo(InvocationStatus.PENDING);
        assertThat(invocation.exclusiveKey()).isEqualTo("Account/alice");
        assertThat(invocation.objectKey()).isEqualTo("alice");
    }

    @Test
    void sharedAndServiceHandlersAreReadyAtOnce() {
        assertThat(converter.convert("sub_1", target(ServiceType.VIRTUAL_OBJECT, HandlerType.SHARED, InputFormat.JSON),
                record("alice", "1")).status()).isEqualTo(InvocationStatus.READY);
        NewInvocation service = converter.convert("sub_1", target(ServiceType.SERVICE, null, InputFormat.JSON),
                record(null, "[1,2]"));
        assertThat(service.status()).isEqualTo(InvocationStatus.READY);
        assertThat(service.objectKey()).isNull();
    }

    @Test
    void keyedTargetsFailRecordsWithoutAValidUtf8Key() {
        HandlerTarget object = target(ServiceType.VIRTUAL_OBJECT, HandlerType.EXCLUSIVE, InputFormat.JSON);

        NewInvocation noKey = converter.convert("sub_1", object, record(null, "{}"));
        ConsumerRecord<byte[], byte[]> binaryKey = new ConsumerRecord<>("t", 0, 0, new byte[] {(byte) 0xc3, 0x28},
                "{}".getBytes(StandardCharsets.UTF_8));
        NewInvocation badKey = converter.convert("sub_1", object, binaryKey);

        assertThat(noKey.status()).isEqualTo(InvocationStatus.COMPLETED);
        assertThat(noKey.failureReason()).isEqualTo(FailureReason.INVALID_KEY);
        assertThat(badKey.failureReason()).isEqualTo(FailureReason.INVALID_KEY);
        assertThat(badKey.lastFailure()).contains("UTF-8");
    }

    static Stream<Arguments> unstorableKeys() {
        return Stream.of(
                Arguments.of("a\0b", "contains a NUL character"),
                Arguments.of("k".repeat(1025),
                        "is 1025 bytes long; at most 1024 bytes"),
                Arguments.of("\u00e9".repeat(513),
                        "is 1026 bytes long; at most 1024 bytes"));
    }

    @ParameterizedTest
    @MethodSource("unstorableKeys")
    void keyedTargetsFailKeysPostgresqlCannotStore(String text, String reason) {
        NewInvocation invocation = converter.convert("sub_1", target(ServiceType.VIRTUAL_OBJECT, HandlerType.EXCLUSIVE,
                InputFormat.JSON), record(text, "{}"));

        assertThat(invocation.status()).isEqualTo(InvocationStatus.COMPLETED);
        assertThat(invocation.failureReason()).isEqualTo(FailureReason.INVALID_KEY);
        assertThat(invocation.lastFailure()).startsWith("the record key").contains(reason);
        assertThat(invocation.objectKey()).isNull();
        assertThat(invocation.origin().key()).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keysUpToTheLimitAndKeysOfUnkeyedTargetsAreKept() {
        assertThat(converter.convert("sub_1", target(ServiceType.VIRTUAL_OBJECT, HandlerType.EXCLUSIVE,
                InputFormat.JSON), record("k".repeat(1024), "{}")).objectKey()).hasSize(1024);
        NewInvocation unkeyed = converter.convert("sub_1", target(ServiceType.SERVICE, null, InputFormat.JSON),
                record("a\0" + "k".repeat(3000), "{}"));
        assertThat(unkeyed.status()).isEqualTo(InvocationStatus.READY);
        assertThat(unkeyed.origin().key()).hasSize(3002);
    }

    @Test
    void dropsHeadersWhoseNameHoldsNulOrIsTooLongAndCountsThem() {
        Map<String, Integer> dropped = new HashMap<>();
        RecordConverter counting = new RecordConverter(JsonMapper.builder().build(), () -> "inv_1",
                (subscription, count) -> dropped.merge(subscription, count, Integer::sum));
        ConsumerRecord<byte[], byte[]> record = record(null, "{}");
        record.headers().add("trace", new byte[] {1}).add("a\0b", new byte[] {2}).add("h".repeat(257), null)
                .add("h".repeat(256), null).add("trace", null);

        NewInvocation invocation = counting.convert("sub_1",
                target(ServiceType.SERVICE, null, InputFormat.JSON), record);

        assertThat(invocation.headers()).extracting(RecordHeader::name)
                .containsExactly("trace", "h".repeat(256), "trace");
        assertThat(dropped).containsExactly(Map.entry("sub_1", 2));
    }

    @Test
    void keepsEveryRecordTimestampButNone() {
        HandlerTarget service = target(ServiceType.SERVICE, null, InputFormat.RAW);
        for (long timestamp : new long[] {0, 253_402_300_800_000L, Long.MAX_VALUE, Long.MIN_VALUE, -2}) {
            assertThat(converter.convert("sub_1", service, record(timestamp)).origin().timestamp())
                    .isEqualTo(Instant.ofEpochMilli(timestamp));
        }
        assertThat(converter.convert("sub_1", service, record(-1)).origin().timestamp()).isNull();
    }

    private static ConsumerRecord<byte[], byte[]> record(long timestamp) {
        return new ConsumerRecord<>("t", 0, 0, timestamp, TimestampType.CREATE_TIME,
                0, 0, null, null, new RecordHeaders(),
                Optional.empty());
    }

    @Test
    void jsonHandlersFailValuesThatAreNotJson() {
        HandlerTarget json = target(ServiceType.SERVICE, null, InputFormat.JSON);

        assertThat(converter.convert("sub_1", json, record(null, "not json")).failureReason())
                .isEqualTo(FailureReason.INVALID_PAYLOAD);
        assertThat(converter.convert("sub_1", json, record(null, "{\"a\":1} {\"b\":2}")).failureReason())
                .isEqualTo(FailureReason.INVALID_PAYLOAD);
        assertThat(converter.convert("sub_1", json, record(null, "{\"a\":")).failureReason())
                .isEqualTo(FailureReason.INVALID_PAYLOAD);
        assertThat(converter.convert("sub_1", json, record(null, null)).status()).isEqualTo(InvocationStatus.READY);
    }

    @Test
    void rawHandlersTakeAnyBytes() {
        NewInvocation raw = converter.convert("sub_1", target(ServiceType.SERVICE, null, InputFormat.RAW),
                record(null, "not json"));
        assertThat(raw.status()).isEqualTo(InvocationStatus.READY);
    }

    @Test
    void restateObjectsTakeARecordWithoutAKeyAsTheEmptyKey() {
        HandlerTarget sdkObject = new HandlerTarget("Account", "deposit", ServiceType.VIRTUAL_OBJECT,
                HandlerType.EXCLUSIVE, URI.create("http://127.0.0.1:1"), InputFormat.JSON, null,
                RetrySettings.inherit(), ServiceProtocol.RESTATE, null);

        NewInvocation noKey = converter.convert("sub_1", sdkObject, record(null, "{}"));

        assertThat(noKey.status()).isEqualTo(InvocationStatus.PENDING);
        assertThat(noKey.objectKey()).isEmpty();
        assertThat(noKey.exclusiveKey()).isEqualTo("Account/");
    }

    private static HandlerTarget target(ServiceType serviceType, HandlerType handlerType, InputFormat input) {
        return new HandlerTarget("Account", "deposit", serviceType, handlerType, URI.create("http://127.0.0.1:1"),
                input, null, RetrySettings.inherit());
    }

    private static ConsumerRecord<byte[], byte[]> record(String key, String value) {
        return new ConsumerRecord<>("orders", 0, 7, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }
}
