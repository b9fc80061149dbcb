package dev.ferry.console;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import dev.ferry.cluster.Secrets;
import dev.ferry.web.InvalidRequest;

/**
 * Properties as the console's text areas take them: one {@code name=value} per line, blank lines and lines
 * starting with {@code #} ignored, the value everything after the first {@code =}.
 */
final class PropertyLines {

    private PropertyLines() {
    }

    static Map<String, String> parse(String field, String text) {
        Map<String, String> properties = new LinkedHashMap<>();
        String[] lines = text.split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int equals = line.indexOf('=');
            if (equals <= 0) {
                throw InvalidRequest.of(field, "Line %d of %s is not name=value: write one property per line, such as"
                        .formatted(i + 1, field) + " bootstrap.servers=broker:9092.");
            }
            String name = line.substring(0, equals).strip();
            if (properties.put(name, line.substring(equals + 1).strip()) != null) {
                throw InvalidRequest.of(field, "'%s' is given twice in %s: keep one line.".formatted(name, field));
            }
        }
        return properties;
    }

    /** The properties as lines again, each secret value shown as {@value Secrets#MASK}. */
    static String masked(Map<String, String> properties) {
        return Secrets.mask(properties).entrySet().stream().map(entry -> entry.getKey() + "=" + entry.getValue())
                .collect(Collectors.joining("\n"));
    }
}
