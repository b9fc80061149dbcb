package dev.ferry.console;

import java.util.Locale;

/** Small text helpers the templates share (reached from them as {@code @consoleText}). */
final class ConsoleText {

    private ConsoleText() {
    }

    /** {@code service://SERVICE/HANDLER} as its two parts; empty parts for anything else. */
    static String[] sinkParts(String sink) {
        String prefix = "service://";
        if (!sink.startsWith(prefix) || sink.indexOf('/', prefix.length()) < 0) {
            return new String[] {"", ""};
        }
        String rest = sink.substring(prefix.length());
        int slash = rest.indexOf('/');
        return new String[] {rest.substring(0, slash), rest.substring(slash + 1)};
    }

    static String rate(double perSecond) {
        return String.format(Locale.ROOT, perSecond >= 10 ? "%.0f/s" : "%.1f/s", perSecond);
    }
}
