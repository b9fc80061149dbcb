package dev.ferry.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A table of aligned columns that fits the terminal: when the rows are too wide, the widest columns that may
 * shrink are cut, and cut cells end with an ellipsis. Identifiers are marked to keep, since half an id is
 * of no use to anyone.
 */
final class Table {

    private static final String GAP = "  ";
    private static final int MIN_WIDTH = 6;

    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();
    private final Set<Integer> kept = new HashSet<>();

    Table(String... headers) {
        this.headers = List.of(headers);
    }

    /** Never cut this column. */
    Table keep(int column) {
        kept.add(column);
        return this;
    }

    Table row(Object... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("a row of " + headers.size() + " cells expected");
        }
        rows.add(Arrays.stream(cells).map(cell -> cell == null ? "" : clean(cell.toString())).toList());
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void print(PrintWriter out, int width, String ellipsis) {
        int[] widths = fit(width);
        out.println(line(headers, widths, ellipsis));
        for (List<String> row : rows) {
            out.println(line(row, widths, ellipsis));
        }
        out.flush();
    }

    private int[] fit(int width) {
        int columns = headers.size();
        int[] widths = new int[columns];
        for (int i = 0; i < columns; i++) {
            widths[i] = headers.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        int total = Arrays.stream(widths).sum() + GAP.length() * (columns - 1);
        while (total > width) {
            int widest = -1;
            for (int i = 0; i < columns; i++) {
                int floor = Math.max(MIN_WIDTH, headers.get(i).length());
                if (!kept.contains(i) && widths[i] > floor && (widest < 0 || widths[i] > widths[widest])) {
                    widest = i;
                }
            }
            if (widest < 0) {
                break;
            }
            widths[widest]--;
            total--;
        }
        return widths;
    }

    private static String line(List<String> cells, int[] widths, String ellipsis) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cut(cells.get(i), widths[i], ellipsis);
            line.append(cell);
            if (i < cells.size() - 1) {
                line.append(" ".repeat(widths[i] - cell.length())).append(GAP);
            }
        }
        return line.toString().stripTrailing();
    }

    static String cut(String text, int width, String ellipsis) {
        if (text.length() <= width) {
            return text;
        }
        if (width <= ellipsis.length()) {
            return text.substring(0, width);
        }
        return text.substring(0, width - ellipsis.length()) + ellipsis;
    }

    /** One line, without control characters: a value from the server never moves the cursor or changes colours. */
    static String clean(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> out.appendCodePoint(c == '\n' || c == '\r' || c == '\t' ? ' '
                : Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }
}
