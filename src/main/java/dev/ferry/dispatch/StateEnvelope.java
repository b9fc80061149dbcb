package dev.ferry.dispatch;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.invocation.ClaimedInvocation;
import dev.ferry.invocation.FailureReason;
import dev.ferry.service.InputFormat;
import dev.ferry.shared.JsonValues;

/**
 * The object-state envelope of plain HTTP handlers ({@value #CONTENT_TYPE}). Ferry sends
 * {@code {"key": KEY, "input": VALUE, "state": {NAME: VALUE, ...}}} ({@code "input_base64"} in place of
 * {@code "input"} for raw input; {@code "input": null} for none); the handler answers 2xx with
 * {@code {"output": VALUE, "state": {"set": {NAME: VALUE}, "clear": [NAME], "clear_all": false}}}, where
 * {@code state} and each of its fields may be left out. Anything else is a terminal failure that says what was
 * wrong, and so is a {@code state} from a shared handler, which reads the state but may not change it.
 */
final class StateEnvelope {

    static final String CONTENT_TYPE = "application/vnd.ferry.object+json";
    private static final int EXCERPT = 200;

    /** A read answer: the call's result and, for a success, the state changes to apply with it. */
    record Answer(CallResult result, ObjectStates.Changes changes) {
    }

    private final JsonMapper json;
    private final long maxSize;

    StateEnvelope(JsonMapper json, long maxSize) {
        this.json = json;
        this.maxSize = maxSize;
    }

    /**
     * The request body; null when a stored value is not JSON (an SDK handler may store any bytes), which
     * {@link #notJson} explains.
     */
    byte[] request(ClaimedInvocation invocation, InputFormat format, Map<String, byte[]> state) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(256);
        body.writeBytes("{\"key\":".getBytes(StandardCharsets.UTF_8));
        body.writeBytes(json.writeValueAsBytes(invocation.objectKey()));
        byte[] input = invocation.input();
        if (input == null || input.length == 0) {
            body.writeBytes(",\"input\":null".getBytes(StandardCharsets.UTF_8));
        } else if (format == InputFormat.RAW) {
            body.writeBytes(",\"input_base64\":".getBytes(StandardCharsets.UTF_8));
            body.writeBytes(json.writeValueAsBytes(Base64.getEncoder().encodeToString(input)));
        } else {
            // validated as one JSON value when the record was stored
            body.writeBytes(",\"input\":".getBytes(StandardCharsets.UTF_8));
            body.writeBytes(input);
        }
        body.writeBytes(",\"state\":{".getBytes(StandardCharsets.UTF_8));
        boolean first = true;
        for (Map.Entry<String, byte[]> entry : state.entrySet()) {
            if (!JsonValues.isSingleValue(json, entry.getValue())) {
                return null;
            }
            if (!first) {
                body.write(',');
            }
            first = false;
            body.writeBytes(json.writeValueAsBytes(entry.getKey()));
            body.write(':');
            body.writeBytes(entry.getValue());
        }
        body.writeBytes("}}".getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    /** Why {@link #request} could not build a body. */
    static CallResult notJson(String objectKey) {
        return new CallResult.Terminal(("object '%s' holds a state value that is not JSON (written by a Restate SDK"
                + " handler?); the state envelope carries JSON values only: clear or replace it with PUT"
                + " /services/{service}/state/{key}").formatted(objectKey));
    }

    /** Reads a 2xx answer against the state it was computed from. */
    Answer read(byte[] body, boolean exclusive, Map<String, byte[]> current) {
        if (body.length == 0) {
            return refused("the body is empty; answer a JSON object with 'output'");
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JacksonException e) {
            return refused("the body is not JSON" + excerpt(body));
        }
        if (root == null || !root.isObject()) {
            return refused("the body is not a JSON object" + excerpt(body));
        }
        for (String field : root.propertyNames()) {
            if (!field.equals("output") && !field.equals("state")) {
                return refused("it has an unknown field '%s'; an answer holds 'output' and 'state'".formatted(field));
            }
        }
        if (!root.has("output")) {
            return refused("it has no 'output' (answer {\"output\": null} for none)");
        }
        byte[] output = json.writeValueAsBytes(root.get("output"));
        JsonNode state = root.get("state");
        if (state == null || state.isNull()) {
            return success(output, new ObjectStates.Changes(false, List.of(), Map.of()));
        }
        if (!exclusive) {
            return refused("a shared handler reads the object's state but may not change it: answer without 'state',"
                    + " or make the handler EXCLUSIVE");
        }
        if (!state.isObject()) {
            return refused("'state' is not an object of 'set', 'clear' and 'clear_all'");
        }
        return changes(state, output, current);
    }

    private Answer changes(JsonNode state, byte[] output, Map<String, byte[]> current) {
        for (String field : state.propertyNames()) {
            if (!List.of("set", "clear", "clear_all").contains(field)) {
                return refused("'state' has an unknown field '%s'; it holds 'set', 'clear' and 'clear_all'"
                        .formatted(field));
            }
        }
        JsonNode clearAll = state.path("clear_all");
        if (!clearAll.isMissingNode() && !clearAll.isNull() && !clearAll.isBoolean()) {
            return refused("'state.clear_all' is not true or false");
        }
        List<String> clear = new ArrayList<>();
        JsonNode clearing = state.path("clear");
        if (!clearing.isMissingNode() && !clearing.isNull()) {
            if (!clearing.isArray()) {
                return refused("'state.clear' is not an array of names");
            }
            for (JsonNode name : clearing) {
                if (!name.isString()) {
                    return refused("'state.clear' holds %s, not a name (a string)".formatted(name));
                }
                clear.add(name.asString());
            }
        }
        Map<String, byte[]> set = new LinkedHashMap<>();
        JsonNode setting = state.path("set");
        if (!setting.isMissingNode() && !setting.isNull()) {
            if (!setting.isObject()) {
                return refused("'state.set' is not an object of names to JSON values");
            }
            for (Map.Entry<String, JsonNode> entry : setting.properties()) {
                byte[] value = json.writeValueAsBytes(entry.getValue());
                if (value.length + entry.getKey().getBytes(StandardCharsets.UTF_8).length > maxSize) {
                    return tooLarge("value '%s' holds %d bytes".formatted(entry.getKey(), value.length));
                }
                set.put(entry.getKey(), value);
            }
        }
        ObjectStates.Changes changes = new ObjectStates.Changes(clearAll.asBoolean(false), clear, set);
        long size = sizeAfter(current, changes);
        if (size > maxSize) {
            return tooLarge("the object's state would hold %d bytes".formatted(size));
        }
        return success(output, changes);
    }

    /** Names and values, in bytes, of the state after {@code changes}. */
    static long sizeAfter(Map<String, byte[]> current, ObjectStates.Changes changes) {
        Map<String, byte[]> after = new LinkedHashMap<>(changes.clearAll() ? Map.of() : current);
        changes.clear().forEach(after::remove);
        after.putAll(changes.set());
        long size = 0;
        for (Map.Entry<String, byte[]> entry : after.entrySet()) {
            size += entry.getKey().getBytes(StandardCharsets.UTF_8).length + entry.getValue().length;
        }
        return size;
    }

    private Answer tooLarge(String what) {
        return new Answer(new CallResult.Terminal("state-too-large: %s, more than ferry.state.max-size (%d bytes);"
                .formatted(what, maxSize) + " nothing was changed", FailureReason.STATE_TOO_LARGE), null);
    }

    private static Answer success(byte[] output, ObjectStates.Changes changes) {
        return new Answer(new CallResult.Success(output, "application/json"), changes);
    }

    private static Answer refused(String why) {
        return new Answer(new CallResult.Terminal("malformed state envelope answer: " + why), null);
    }

    private static String excerpt(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, EXCERPT), StandardCharsets.UTF_8)
                .replaceAll("\\s+", " ").strip();
        return ": " + text + (body.length > EXCERPT ? "…" : "");
    }
}
