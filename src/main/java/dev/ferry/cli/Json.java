package dev.ferry.cli;

import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The JSON mapper of the client and small readers for the API's snake_case answers. */
final class Json {

    /** Tree model only: no data binding, which keeps start-up short. */
    static final JsonMapper MAPPER = JsonMapper.builder().build();

    private Json() {
    }

    /** The field as text, or null when it is absent or null. */
    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? null : value.asString();
    }

    /** An object of string values as a map, in the order given. */
    static Map<String, String> strings(JsonNode object) {
        Map<String, String> map = new LinkedHashMap<>();
        object.properties().forEach(entry -> map.put(entry.getKey(),
                entry.getValue().isNull() ? null : entry.getValue().asString()));
        return map;
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ObjectNode object(Map<String, String> map) {
        ObjectNode node = object();
        map.forEach(node::put);
        return node;
    }

    static String pretty(JsonNode node) {
        return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    }
}
