package dev.ferry.consumer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ObjIntConsumer;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.RecordBatch;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.invocation.FailureReason;
import dev.ferry.invocation.KafkaOrigin;
import dev.ferry.invocation.NewInvocation;
import dev.ferry.invocation.RecordHeader;
import dev.ferry.service.HandlerTarget;
import dev.ferry.service.InputFormat;
import dev.ferry.service.ServiceProtocol;
import dev.ferry.shared.JsonValues;
import dev.ferry.shared.StoredText;
import dev.ferry.shared.Utf8;

/**
 * Turns a Kafka record into the invocation it must become. A record a handler cannot take (no valid
 * key for a keyed target, not JSON for a JSON handler) becomes an invocation that is already completed
 * with failure, so it is visible and never stalls the partition. Every record becomes an invocation:
 * conversion never throws.
 */
class RecordConverter {

    private final JsonMapper json;
    private final Supplier<String> ids;
    private final ObjIntConsumer<String> droppedHeaders;

    /** @param droppedHeaders told how many headers of a subscription's record were dropped */
    RecordConverter(JsonMapper json, Supplier<String> ids, ObjIntConsumer<String> droppedHeaders) {
        this.json = json;
        this.ids = ids;
        this.droppedHeaders = droppedHeaders;
    }

    RecordConverter(JsonMapper json, Supplier<String> ids) {
        this(json, ids, (subscription, count) -> {
        });
    }

    NewInvocation convert(String subscriptionId, HandlerTarget target, ConsumerRecord<byte[], byte[]> record) {
        String id = ids.get();
        byte[] input = record.value();
        List<RecordHeader> headers = headers(subscriptionId, record);
        KafkaOrigin origin = new KafkaOrigin(subscriptionId, record.topic(), record.partition(), record.offset(),
                record.timestamp() == RecordBatch.NO_TIMESTAMP ? null : Instant.ofEpochMilli(record.timestamp()),
                record.key());
        String key = null;
        if (target.keyed()) {
            // a Restate SDK object takes a record without a key as the object of the empty key, as restate-server does
            key = record.key() == null && target.protocol() == ServiceProtocol.RESTATE ? "" : Utf8.decode(record.key());
            String problem = key == null ? null : StoredText.problem("the record key", key, StoredText.MAX_KEY_BYTES);
            if (key == null || problem != null) {
                return NewInvocation.failed(id, target.service(), target.handler(), null, input, headers, origin,
                        FailureReason.INVALID_KEY, record.key() == null
                                ? "the record has no key; %s is keyed by the record key".formatted(target.service())
                                : problem != null ? problem : "the record key is not valid UTF-8");
            }
        }
        if (target.input() == InputFormat.JSON && input != null && input.length > 0
                && !JsonValues.isSingleValue(json, input)) {
            return NewInvocation.failed(id, target.service(), target.handler(), key, input, headers, origin,
                    FailureReason.INVALID_PAYLOAD, "the record value is not valid JSON; register the handler with"
                            + " input \"raw\" to receive any bytes");
        }
        if (target.exclusive()) {
            return NewInvocation.exclusive(id, target.service(), target.handler(), key, input, headers, origin);
        }
        if (target.workflowRun()) {
            return NewInvocation.workflowRun(id, target.service(), target.handler(), key, input, headers, origin);
        }
        return NewInvocation.runnable(id, target.service(), target.handler(), key, input, headers, origin);
    }

    /**
     * The record's headers, in order, duplicates kept; a header whose name holds a NUL character or is longer
     * than {@link StoredText#MAX_HEADER_NAME_BYTES} is dropped (and counted): no handler could be given it.
     */
    private List<RecordHeader> headers(String subscriptionId, ConsumerRecord<byte[], byte[]> record) {
        Header[] all = record.headers().toArray();
        if (all.length == 0) {
            return List.of();
        }
        List<RecordHeader> headers = new ArrayList<>(all.length);
        int dropped = 0;
        for (Header header : all) {
            String name = header.key();
            if (name == null || StoredText.problem("a header name", name, StoredText.MAX_HEADER_NAME_BYTES) != null) {
                dropped++;
            } else {
                headers.add(new RecordHeader(name, header.value()));
            }
        }
        if (dropped > 0) {
            droppedHeaders.accept(subscriptionId, dropped);
        }
        return headers;
    }
}
