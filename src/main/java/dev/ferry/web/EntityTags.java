package dev.ferry.web;

import java.util.Arrays;

/**
 * Entity tags of versioned resources (clusters, services): the tag is the row's version, and a change sent with
 * {@code If-Match} is refused with 412 unless the tag names the version stored now.
 */
public final class EntityTags {

    private EntityTags() {
    }

    /** The strong entity tag of a version, for example {@code "3"}. */
    public static String of(long version) {
        return "\"" + version + "\"";
    }

    /**
     * Refuses the change unless {@code ifMatch} (the request's {@code If-Match}, null when absent) lists the
     * current version or is {@code *}.
     *
     * @throws StaleVersion (412) naming the current tag
     */
    public static void check(String ifMatch, long current, String resource, String name) {
        if (ifMatch == null || ifMatch.isBlank()) {
            return;
        }
        String currentTag = of(current);
        boolean matches = Arrays.stream(ifMatch.split(",")).map(String::strip)
                .anyMatch(tag -> tag.equals("*") || tag.equals(currentTag));
        if (!matches) {
            throw StaleVersion.of(resource, name, ifMatch.strip(), currentTag);
        }
    }
}
