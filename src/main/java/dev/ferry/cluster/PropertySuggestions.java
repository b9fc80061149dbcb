package dev.ferry.cluster;

import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;

/**
 * The "did you mean" for a property name no client knows: the known name fewest edits away (Levenshtein
 * distance), if it is close enough to be a misspelling rather than another name altogether.
 */
final class PropertySuggestions {

    private PropertySuggestions() {
    }

    /**
     * The closest of the candidates, at most 2 edits (or a fifth of the name's length) away; among equally close
     * ones, the first in alphabetical order.
     */
    static Optional<String> closest(String name, Collection<String> candidates) {
        return candidates.stream()
                .map(candidate -> Map.entry(candidate, distance(name, candidate)))
                .filter(scored -> scored.getValue() <= Math.max(2, name.length() / 5))
                .min(Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue)
                        .thenComparing(Map.Entry::getKey))
                .map(Map.Entry::getKey);
    }

    /** How many insertions, deletions and substitutions turn {@code a} into {@code b}. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
