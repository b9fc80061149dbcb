package dev.ferry.shared;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks on JSON payloads that Ferry passes through without reading them. Every JSON document Ferry reads,
 * request bodies and Kafka record values alike, is held to the same limits, those of the application's
 * mapper ({@code spring.jackson.factory.constraints.read.*}): at most 500 levels of nesting and numbers of
 * at most 1000 characters. A document over a limit is refused with a reason that names the limit.
 */
public final class JsonValues {

    private JsonValues() {
    }

    /**
     * Whether the bytes hold exactly one JSON value. Streams through the tokens without building a tree,
     * since the payload is only checked, never used.
     */
    public static boolean isSingleValue(JsonMapper json, byte[] value) {
        return problem(json, value) == null;
    }

    /**
     * Why the bytes are not exactly one JSON value within Ferry's limits ("it is nested deeper than 500
     * levels, ..."), or null when they are.
     */
    public static @Nullable String problem(JsonMapper json, byte[] value) {
        try (JsonParser parser = json.createParser(value)) {
            if (parser.nextToken() == null) {
                return "it is empty";
            }
            parser.skipChildren();
            if (parser.nextToken() != null) {
                return "it holds more than one JSON value";
            }
            return null;
        } catch (StreamConstraintsException e) {
            return "it holds " + limitExceeded(json, e) + ", more than Ferry reads";
        } catch (JacksonException e) {
            return "it is not valid JSON" + where(e);
        }
    }

    /** Where the parser stopped, without quoting the payload: " (line 1, column 7)". */
    private static String where(JacksonException e) {
        return e.getLocation() == null || e.getLocation().getLineNr() < 1 ? ""
                : " (line %d, column %d)".formatted(e.getLocation().getLineNr(), e.getLocation().getColumnNr());
    }

    /** The limit a document broke, in words: "nesting deeper than 500 levels". */
    public static String limitExceeded(JsonMapper json, StreamConstraintsException e) {
        StreamReadConstraints limits = json.tokenStreamFactory().streamReadConstraints();
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (message.contains("MaxNestingDepth")) {
            return "nesting deeper than " + limits.getMaxNestingDepth() + " levels";
        }
        if (message.contains("MaxNumberLength")) {
            return "a number longer than " + limits.getMaxNumberLength() + " characters";
        }
        if (message.contains("MaxStringLength")) {
            return "a string longer than " + limits.getMaxStringLength() + " characters";
        }
        if (message.contains("MaxNameLength")) {
            return "a property name longer than " + limits.getMaxNameLength() + " characters";
        }
        if (message.contains("MaxDocumentLength")) {
            return "a document longer than " + limits.getMaxDocumentLength() + " bytes";
        }
        if (message.contains("MaxTokenCount")) {
            return "more than " + limits.getMaxTokenCount() + " tokens";
        }
        return "more than the JSON limits allow";
    }
}
