package dev.ferry.invocation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one codec of the {@code headers} column: a record's headers as a JSON array of {@code [name, value]}
 * pairs, each value in base64 (or null when the header has none), in the record's order with duplicates kept.
 * No headers are stored as SQL null.
 */
final class RecordHeaders {

    private static final TypeReference<List<List<String>>> PAIRS = new TypeReference<>() {
    };

    private final JsonMapper json;

    RecordHeaders(JsonMapper json) {
        this.json = json;
    }

    /** The column value for {@code headers}: null when there are none. */
    String encode(List<RecordHeader> headers) {
        if (headers == null || headers.isEmpty()) {
            return null;
        }
        List<List<String>> pairs = new ArrayList<>(headers.size());
        for (RecordHeader header : headers) {
            pairs.add(Arrays.asList(header.name(),
                    header.value() == null ? null : Base64.getEncoder().encodeToString(header.value())));
        }
        return json.writeValueAsString(pairs);
    }

    /** The headers a column value holds; none for null. */
    List<RecordHeader> decode(String encoded) {
        if (encoded == null) {
            return List.of();
        }
        List<List<String>> pairs = json.readValue(encoded, PAIRS);
        List<RecordHeader> headers = new ArrayList<>(pairs.size());
        for (List<String> pair : pairs) {
            String value = pair.get(1);
            headers.add(new RecordHeader(pair.get(0), value == null ? null : Base64.getDecoder().decode(value)));
        }
        return headers;
    }
}
