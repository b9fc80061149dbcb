package dev.ferry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of a Markdown file that the documentation checks need: its headings as GitHub anchors, its links and
 * its paragraphs. Text inside fenced code blocks is neither a heading nor a link.
 *
 * @param path       where the file is
 * @param lines      its lines
 * @param anchors    the anchor of every heading, as GitHub makes it
 * @param links      the target of every link and image outside code
 * @param paragraphs every run of non-blank lines, each line stripped
 */
record MarkdownFile(Path path, List<String> lines, Set<String> anchors, List<String> links,
        List<List<String>> paragraphs) {

    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern CODE_SPAN = Pattern.compile("`[^`]*`");
    private static final Pattern LINK = Pattern.compile("!?\\[([^\\]]*)\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern NOT_IN_ANCHOR = Pattern.compile("[^\\p{L}\\p{N}\\s_-]");

    static MarkdownFile read(Path path) {
        try {
            return parse(path, Files.readAllLines(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static MarkdownFile parse(Path path, List<String> lines) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        List<String> links = new ArrayList<>();
        List<List<String>> paragraphs = new ArrayList<>();
        List<String> paragraph = new ArrayList<>();
        boolean fenced = false;
        for (String line : lines) {
            if (line.isBlank()) {
                addParagraph(paragraphs, paragraph);
                paragraph = new ArrayList<>();
                continue;
            }
            paragraph.add(line.strip());
            if (line.strip().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                continue;
            }
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String anchor = anchor(heading.group(1));
                int count = seen.merge(anchor, 1, Integer::sum);
                anchors.add(count == 1 ? anchor : anchor + "-" + (count - 1));
            }
            Matcher link = LINK.matcher(CODE_SPAN.matcher(line).replaceAll(""));
            while (link.find()) {
                links.add(link.group(2));
            }
        }
        addParagraph(paragraphs, paragraph);
        return new MarkdownFile(path, List.copyOf(lines), anchors, links, paragraphs);
    }

    /** GitHub's anchor of a heading: the text as shown, lower case, punctuation dropped, spaces as hyphens. */
    static String anchor(String heading) {
        String shown = LINK.matcher(heading).replaceAll("$1").replace("`", "");
        return NOT_IN_ANCHOR.matcher(shown.toLowerCase(Locale.ROOT)).replaceAll("").strip().replace(' ', '-');
    }

    private static void addParagraph(List<List<String>> paragraphs, List<String> paragraph) {
        if (!paragraph.isEmpty()) {
            paragraphs.add(List.copyOf(paragraph));
        }
    }
}
