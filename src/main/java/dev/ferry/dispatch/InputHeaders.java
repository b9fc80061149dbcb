package dev.ferry.dispatch;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

import dev.ferry.invocation.ClaimedInvocation;
import dev.ferry.invocation.KafkaOrigin;
import dev.ferry.invocation.RecordHeader;

/**
 * The headers a handler gets with the input of an invocation of a Kafka record, whatever protocol calls it:
 * {@code restate.subscription.id}, {@code kafka.topic}, {@code kafka.partition}, {@code kafka.offset},
 * {@code kafka.timestamp} (epoch millis), {@code kafka.key} (base64) and each record header as
 * {@code kafka.header.<name>}, or {@code kafka.header-base64.<name>} when its value is not printable ASCII.
 * Record header names that are not HTTP tokens are dropped. Invocations not from a record get none.
 */
public final class InputHeaders {

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    /** One header: name and value. */
    public record Header(String name, String value) {
    }

    private InputHeaders() {
    }

    /** The headers of {@code invocation}, in the order above. */
    public static List<Header> of(ClaimedInvocation invocation) {
        KafkaOrigin origin = invocation.origin();
        if (origin == null) {
            return List.of();
        }
        List<Header> headers = new ArrayList<>();
        headers.add(new Header("restate.subscription.id", origin.subscriptionId()));
        headers.add(new Header("kafka.topic", origin.topic()));
        headers.add(new Header("kafka.partition", Integer.toString(origin.partition())));
        headers.add(new Header("kafka.offset", Long.toString(origin.offset())));
        if (origin.timestamp() != null) {
            headers.add(new Header("kafka.timestamp", Long.toString(origin.timestamp().toEpochMilli())));
        }
        if (origin.key() != null) {
            headers.add(new Header("kafka.key", Base64.getEncoder().encodeToString(origin.key())));
        }
        for (RecordHeader header : invocation.headers()) {
            if (TOKEN.matcher(header.name()).matches()) {
                headers.add(forwarded(header));
            }
        }
        return headers;
    }

    private static Header forwarded(RecordHeader header) {
        byte[] value = header.value() == null ? new byte[0] : header.value();
        for (byte b : value) {
            if (b < 0x20 || b > 0x7e) {
                return new Header("kafka.header-base64." + header.name(), Base64.getEncoder().encodeToString(value));
            }
        }
        return new Header("kafka.header." + header.name(), new String(value, StandardCharsets.US_ASCII).strip());
    }
}
