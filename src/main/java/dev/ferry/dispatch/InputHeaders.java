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
 * Record header names that are not HTTP tokens are dropped. The W3C trace context continues as the standard
 * {@code traceparent} and {@code tracestate} headers (besides {@code kafka.header.*}): the context of Ferry's
 * span of the call when tracing runs, else the record's own headers, passed on when well-formed. Invocations not
 * from a record get only those.
 */
public final class InputHeaders {

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** The W3C trace context headers. */
    static final String TRACEPARENT = "traceparent";
    static final String TRACESTATE = "tracestate";
    private static final Pattern W3C_TRACEPARENT = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
    private static final int TRACESTATE_LIMIT = 512;

    /** One header: name and value. */
    public record Header(String name, String value) {
    }

    private InputHeaders() {
    }

    /** The headers of {@code invocation}, in the order above. */
    public static List<Header> of(ClaimedInvocation invocation) {
        KafkaOrigin origin = invocation.origin();
        if (origin == null) {
            return trace(invocation);
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
        headers.addAll(trace(invocation));
        return headers;
    }

    /** The call's trace context: the dispatcher's span of it, else the record's own when well-formed. */
    private static List<Header> trace(ClaimedInvocation invocation) {
        List<Header> headers = new ArrayList<>(2);
        if (!invocation.trace().isEmpty()) {
            invocation.trace().forEach((name, value) -> headers.add(new Header(name, value)));
            return headers;
        }
        String parent = recordHeader(invocation, TRACEPARENT);
        if (parent != null && W3C_TRACEPARENT.matcher(parent).matches() && !parent.startsWith("ff")) {
            headers.add(new Header(TRACEPARENT, parent));
            String state = recordHeader(invocation, TRACESTATE);
            if (state != null && !state.isEmpty() && state.length() <= TRACESTATE_LIMIT) {
                headers.add(new Header(TRACESTATE, state));
            }
        }
        return headers;
    }

    /** The printable ASCII value of the record header {@code name}, or null. */
    static String recordHeader(ClaimedInvocation invocation, String name) {
        for (RecordHeader header : invocation.headers()) {
            if (header.name().equals(name) && header.value() != null && printable(header.value())) {
                return new String(header.value(), StandardCharsets.US_ASCII).strip();
            }
        }
        return null;
    }

    private static boolean printable(byte[] value) {
        for (byte b : value) {
            if (b < 0x20 || b > 0x7e) {
                return false;
            }
        }
        return true;
    }

    private static Header forwarded(RecordHeader header) {
        byte[] value = header.value() == null ? new byte[0] : header.value();
        if (!printable(value)) {
            return new Header("kafka.header-base64." + header.name(), Base64.getEncoder().encodeToString(value));
        }
        return new Header("kafka.header." + header.name(), new String(value, StandardCharsets.US_ASCII).strip());
    }
}
