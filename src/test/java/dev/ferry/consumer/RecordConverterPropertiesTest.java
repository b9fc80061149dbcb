package dev.ferry.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Optional;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.invocation.InvocationStatus;
import dev.ferry.invocation.NewInvocation;
import dev.ferry.service.HandlerTarget;
import dev.ferry.service.HandlerType;
import dev.ferry.service.InputFormat;
import dev.ferry.service.RetrySettings;
import dev.ferry.service.ServiceType;
import dev.ferry.shared.StoredText;

/** Whatever a record holds, the converter turns it into one invocation and never throws. */
class RecordConverterPropertiesTest {

    private final RecordConverter converter = new RecordConverter(JsonMapper.builder().build(), () -> "inv_1");

    @Property(tries = 500)
    void turnsEveryRecordIntoAnInvocationWhoseKeyAndHeadersPostgresqlCanStore(
            @ForAll("records") ConsumerRecord<byte[], byte[]> record, @ForAll("targets") HandlerTarget target) {
        NewInvocation invocation = converter.convert("sub_1", target, record);

        assertThat(invocation).isNotNull();
        assertThat(invocation.origin().offset()).isEqualTo(record.offset());
        assertThat(invocation.origin().key()).isEqualTo(record.key());
        if (invocation.objectKey() != null) {
            assertThat(StoredText.problem("key", invocation.objectKey(), StoredText.MAX_KEY_BYTES)).isNull();
        }
        if (target.keyed() && invocation.status() != InvocationStatus.COMPLETED) {
            assertThat(invocation.objectKey()).isNotNull();
        }
        if (invocation.status() == InvocationStatus.COMPLETED) {
            assertThat(invocation.failureReason()).isNotNull();
            assertThat(invocation.lastFailure()).isNotBlank();
        }
        invocation.headers().forEach(header ->
                assertThat(StoredText.problem("name", header.name(), StoredText.MAX_HEADER_NAME_BYTES)).isNull());
        if (record.timestamp() != -1) {
            assertThat(invocation.origin().timestamp().toEpochMilli()).isEqualTo(record.timestamp());
        }
    }

    @Provide
    Arbitrary<HandlerTarget> targets() {
        return Arbitraries.of(
                target(ServiceType.VIRTUAL_OBJECT, HandlerType.EXCLUSIVE, InputFormat.JSON),
                target(ServiceType.VIRTUAL_OBJECT, HandlerType.SHARED, InputFormat.RAW),
                target(ServiceType.WORKFLOW, HandlerType.WORKFLOW, InputFormat.JSON),
                target(ServiceType.SERVICE, null, InputFormat.JSON),
                target(ServiceType.SERVICE, null, InputFormat.RAW));
    }

    @Provide
    Arbitrary<ConsumerRecord<byte[], byte[]>> records() {
        return Combinators.combine(RecordArbitraries.keys(), RecordArbitraries.values(), RecordArbitraries.headers(),
                RecordArbitraries.timestamps(), Arbitraries.longs().greaterOrEqual(0))
                .as((key, value, headers, timestamp, offset) -> {
                    RecordHeaders recordHeaders = new RecordHeaders();
                    headers.forEach(header -> recordHeaders.add(header.name(), header.value()));
                    return new ConsumerRecord<>("t", 0, offset, timestamp, TimestampType.CREATE_TIME, 0, 0, key, value,
                            recordHeaders, Optional.empty());
                });
    }

    static HandlerTarget target(ServiceType serviceType, HandlerType handlerType, InputFormat input) {
        return new HandlerTarget(serviceType == ServiceType.WORKFLOW ? "Signup" : "Account",
                serviceType == ServiceType.WORKFLOW ? "run" : "deposit", serviceType, handlerType,
                URI.create("http://127.0.0.1:1"), input, null, RetrySettings.inherit());
    }
}
