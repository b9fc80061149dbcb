package dev.ferry.consumer;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.invocation.FailureReason;
import dev.ferry.invocation.KafkaOrigin;
import dev.ferry.invocation.NewInvocation;
import dev.ferry.invocation.RecordHeader;
import dev.ferry.service.HandlerTarget;
import dev.ferry.service.InputFormat;
import dev.ferry.shared.JsonValues;

/**
 * Turns a Kafka record into the invocation it must become. A record a handler cannot take (no valid
 * key for a keyed target, not JSON for a JSON handler) becomes an invocation that is already completed
 * with failure, so it is visible and never stalls the partition.
 */
class RecordConverter {

    private final JsonMapper json;
    private final Supplier<String> ids;

    RecordConverter(JsonMapper json, Supplier<String> ids) {
        this.json = json;
        this.ids = ids;
    }

    NewInvocation convert(String subscriptionId, HandlerTarget target, ConsumerRecord<byte[], byte[]> record) {
        String id = ids.get();
        byte[] input = record.value();
        List<RecordHeader> headers = headers(record);
        KafkaOrigin origin = new KafkaOrigin(subscriptionId, record.topic(), record.partition(), record.offset(),
                record.timestamp() < 0 ? null : Instant.ofEpochMilli(record.timestamp()), record.key());
        String key = null;
        if (target.keyed()) {
            key = utf8(record.key());
            if (key == null) {
                return NewInvocation.failed(id, target.service(), target.handler(), null, input, headers, origin,
                        FailureReason.INVALID_KEY, record.key() == null
                                ? "the record has no key; %s is keyed by the record key".formatted(target.service())
                                : "the record key is not valid UTF-8");
            }
        }
        if (target.input() == InputFormat.JSON && input != null && input.length > 0 && !JsonValues.isSingleValue(json, input)) {
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

    private static List<RecordHeader> headers(ConsumerRecord<byte[], byte[]> record) {
        Header[] all = record.headers().toArray();
        if (all.length == 0) {
            return List.of();
        }
        List<RecordHeader> headers = new ArrayList<>(all.length);
        for (Header header : all) {
            headers.add(new RecordHeader(header.key(), header.value()));
        }
        return headers;
    }

    /** The key as text, or null when absent or not valid UTF-8. */
    static String utf8(byte[] key) {
        if (key == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(key)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
