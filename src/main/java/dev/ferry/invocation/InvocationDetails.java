package dev.ferry.invocation;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/** Everything known about one invocation: its summary plus input, record headers and result. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InvocationDetails(@JsonUnwrapped InvocationView invocation, Payload input, List<Header> headers,
        Payload result, String resultContentType, String idempotencyKey) {

    /** Bytes as UTF-8 text, or as base64 when they are not text; {@code truncated} when cut to the display limit. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Payload(int size, boolean truncated, String text, String base64) {
    }

    /** A record header as forwarded to the handler. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Header(String name, String text, String base64) {
    }
}
