package dev.ferry.cli;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads properties as users write them: {@code KEY=VALUE} arguments, and flat properties files as Confluent
 * Cloud and similar consoles print them ({@code name=value} lines, {@code #} or {@code !} comments). Values
 * are taken literally (no backslash escapes), so paths and JAAS strings survive as written.
 */
final class PropertyText {

    private PropertyText() {
    }

    /**
     * Parses {@code KEY=VALUE} arguments.
     *
     * @throws IllegalArgumentException naming the first argument that is not {@code KEY=VALUE}, or a repeated key
     */
    static Map<String, String> parseArguments(List<String> arguments) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String argument : arguments) {
            int equals = argument.indexOf('=');
            String key = equals < 0 ? "" : argument.substring(0, equals).strip();
            if (key.isEmpty()) {
                throw new IllegalArgumentException(("'%s' is not KEY=VALUE; write each property as name=value,"
                        + " e.g. bootstrap.servers=broker:9092").formatted(argument));
            }
            if (properties.put(key, argument.substring(equals + 1)) != null) {
                throw new IllegalArgumentException("'%s' is given twice; give each property once.".formatted(key));
            }
        }
        return properties;
    }

    /**
     * Parses a flat properties file.
     *
     * @param source how to name the file in an error, e.g. {@code 'cluster.properties'}
     * @throws CliException naming the line that is not {@code name=value}, or a name set twice
     */
    static Map<String, String> parseFile(String text, String source) {
        Map<String, String> properties = new LinkedHashMap<>();
        Map<String, Integer> lines = new HashMap<>();
        String[] all = text.split("\\R", -1);
        for (int i = 0; i < all.length; i++) {
            String line = all[i].strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
                continue;
            }
            int equals = line.indexOf('=');
            String key = equals < 0 ? "" : line.substring(0, equals).strip();
            if (key.isEmpty()) {
                throw new CliException("Line %d of %s is not name=value: '%s'.".formatted(i + 1, source,
                        Table.cut(line, 40, "...")));
            }
            Integer first = lines.putIfAbsent(key, i + 1);
            if (first != null) {
                throw new CliException("Line %d of %s sets '%s' again (first on line %d); set it once."
                        .formatted(i + 1, source, key, first));
            }
            properties.put(key, line.substring(equals + 1).strip());
        }
        return properties;
    }
}
