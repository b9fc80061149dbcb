package dev.ferry.invocation;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * Everything known about one invocation: its summary plus input, record headers, result and, for a handler
 * protocol that keeps one, its journal.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InvocationDetails(@JsonUnwrapped InvocationView invocation, Payload input, List<Header> headers,
        Payload result, String resultContentType, String idempotencyKey, List<JournalEntry> journal) {

    /**
     * One entry of an invocation's journal.
     *
     * @param index the entry's position, 0 for the input command
     * @param type  the protocol's name of the entry, such as {@code SetStateCommand}
     * @param name  the name the handler gave it (a {@code ctx.run} step's name), or null
     * @param value a short excerpt of what it holds (a state key and value, a run result, a failure), or null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record JournalEntry(int index, String type, String name, String value) {
    }

    /** Bytes as UTF-8 text, or as base64 when they are not text; {@code truncated} when cut to the display limit. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Payload(int size, boolean truncated, String text, String base64) {
    }

    /** A record header as forwarded to the handler. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Header(String name, String text, String base64) {
    }
}
