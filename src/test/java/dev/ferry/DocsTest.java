package dev.ferry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the README a front page and the reference in docs/ whole: every relative link (of the README, docs/ and
 * the Helm chart's README) reaches a file and a heading in it, the README links to every page of the reference,
 * and no paragraph is kept in two places.
 */
class DocsTest {

    private static final Path README = Path.of("README.md");
    private static final Path DOCS = Path.of("docs");
    private static final Path CHART_README = Path.of("helm", "ferry", "README.md");
    private static final int README_MAX_LINES = 180;
    private static final int SHARED_PARAGRAPH_MIN_LINES = 3;

    private static MarkdownFile readme;
    private static List<MarkdownFile> files;

    @BeforeAll
    static void read() throws IOException {
        readme = MarkdownFile.read(README);
        files = new ArrayList<>();
        files.add(readme);
        try (Stream<Path> docs = Files.list(DOCS)) {
            docs.filter(path -> path.toString().endsWith(".md")).sorted().map(MarkdownFile::read).forEach(files::add);
        }
        files.add(MarkdownFile.read(CHART_README));
    }

    @Test
    void readmeFitsOnTwoScreens() {
        assertThat(readme.lines()).as("lines of README.md: move reference text into docs/")
                .hasSizeLessThanOrEqualTo(README_MAX_LINES);
    }

    @Test
    void readmeKeepsTheTwoSetUpCommands() {
        String text = String.join("\n", readme.lines());
        assertThat(text).as("the command that runs Ferry with everything embedded")
                .contains("```sh\n./mvnw spring-boot:test-run\n```");
        assertThat(text).as("the command that runs the whole test suite").contains("```sh\n./mvnw verify\n```");
    }

    @Test
    void readmeLinksToEveryPageOfTheReference() {
        List<Path> linked = readme.links().stream().filter(DocsTest::relative)
                .map(link -> target(readme, link).normalize()).toList();
        assertThat(files.stream().map(MarkdownFile::path).filter(path -> path.startsWith(DOCS)))
                .isNotEmpty().allSatisfy(page -> assertThat(linked).as("README.md links to %s", page)
                        .contains(page.normalize()));
    }

    @Test
    void everyRelativeLinkReachesAFileAndAHeadingInIt() {
        Map<Path, MarkdownFile> byPath = new HashMap<>();
        files.forEach(file -> byPath.put(file.path().normalize(), file));
        List<String> broken = new ArrayList<>();
        for (MarkdownFile file : files) {
            for (String link : file.links()) {
                if (!relative(link)) {
                    continue;
                }
                Path target = target(file, link).normalize();
                String anchor = anchor(link);
                if (!Files.exists(target)) {
                    broken.add(file.path() + ": " + link + " (no such file)");
                } else if (anchor != null && target.toString().endsWith(".md")) {
                    MarkdownFile linked = byPath.computeIfAbsent(target, MarkdownFile::read);
                    if (!linked.anchors().contains(anchor)) {
                        broken.add(file.path() + ": " + link + " (no heading #" + anchor + " in " + target + ")");
                    }
                }
            }
        }
        assertThat(broken).as("broken links").isEmpty();
    }

    @Test
    void noParagraphIsKeptInTwoFiles() {
        Map<List<String>, Path> firstSeen = new HashMap<>();
        List<String> copies = new ArrayList<>();
        for (MarkdownFile file : files) {
            file.paragraphs().stream().filter(paragraph -> contentLines(paragraph) >= SHARED_PARAGRAPH_MIN_LINES)
                    .distinct()
                    .forEach(paragraph -> {
                        Path first = firstSeen.putIfAbsent(paragraph, file.path());
                        if (first != null && !first.equals(file.path())) {
                            copies.add(first + " and " + file.path() + ": " + paragraph.getFirst());
                        }
                    });
        }
        assertThat(copies).as("paragraphs in two files: keep one and link to it").isEmpty();
    }

    @Test
    void licenseIsApache2() throws IOException {
        assertThat(Files.readString(Path.of("LICENSE"))).contains("Apache License", "Version 2.0, January 2004",
                "END OF TERMS AND CONDITIONS");
        assertThat(readme.links()).contains("LICENSE");
    }

    @Test
    void anchorsFollowGitHubRules() {
        assertThat(MarkdownFile.anchor("Restate SDK handlers against restate-server"))
                .isEqualTo("restate-sdk-handlers-against-restate-server");
        assertThat(MarkdownFile.anchor("Ferry's health check in Compose")).isEqualTo("ferrys-health-check-in-compose");
        assertThat(MarkdownFile.anchor("`ferry_invocations` (by status), 2.0!"))
                .isEqualTo("ferry_invocations-by-status-20");
        assertThat(MarkdownFile.parse(Path.of("x.md"), List.of("# A", "```sh", "# not a heading", "```", "## A"))
                .anchors()).containsExactly("a", "a-1");
    }

    /** Lines of a paragraph besides code fences: a one-line command in a fenced block is not a copied text. */
    private static long contentLines(List<String> paragraph) {
        return paragraph.stream().filter(line -> !line.startsWith("```")).count();
    }

    private static boolean relative(String link) {
        return !link.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") && !link.startsWith("//");
    }

    private static Path target(MarkdownFile from, String link) {
        int hash = link.indexOf('#');
        String file = hash < 0 ? link : link.substring(0, hash);
        Path self = from.path();
        if (file.isEmpty()) {
            return self;
        }
        Path directory = self.getParent() == null ? Path.of("") : self.getParent();
        return directory.resolve(URLDecoder.decode(file, StandardCharsets.UTF_8));
    }

    private static String anchor(String link) {
        int hash = link.indexOf('#');
        return hash < 0 ? null : link.substring(hash + 1);
    }
}
