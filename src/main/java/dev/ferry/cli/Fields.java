package dev.ferry.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Labelled values, one per line, with the values aligned; used by the {@code describe} commands. Unlike table
 * cells, values are printed whole (a last failure or an origin is read in full), on one line each.
 */
final class Fields {

    private record Field(String label, String value) {
    }

    private final List<Field> fields = new ArrayList<>();

    /** Adds a line; a null value is left out. */
    Fields add(String label, Object value) {
        if (value != null) {
            fields.add(new Field(label + ":", Table.clean(value.toString())));
        }
        return this;
    }

    void print(PrintWriter out) {
        int labels = fields.stream().mapToInt(field -> field.label().length()).max().orElse(0) + 2;
        for (Field field : fields) {
            out.println(field.label() + " ".repeat(labels - field.label().length()) + field.value());
        }
        out.flush();
    }
}
