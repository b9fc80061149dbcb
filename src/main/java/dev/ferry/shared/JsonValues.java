package dev.ferry.shared;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.json.JsonMapper;

/** Checks on JSON payloads that Ferry passes through without reading them. */
public final class JsonValues {

    private JsonValues() {
    }

    /**
     * Whether the bytes hold exactly one JSON value. Streams through the tokens without building a tree,
     * since the payload is only checked, never used.
     */
    public static boolean isSingleValue(JsonMapper json, byte[] value) {
        try (JsonParser parser = json.createParser(value)) {
            if (parser.nextToken() == null) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (JacksonException e) {
            return false;
        }
    }
}
