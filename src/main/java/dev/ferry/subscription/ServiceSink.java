package dev.ferry.subscription;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.ferry.web.InvalidRequest;

/** A subscription's sink, {@code service://SERVICE/HANDLER}. */
public record ServiceSink(String service, String handler) {

    private static final Pattern URI = Pattern.compile("service://([^/]+)/([^/]+)");

    public static ServiceSink parse(String sink) {
        Matcher matcher = sink == null ? null : URI.matcher(sink);
        if (matcher == null || !matcher.matches()) {
            throw InvalidRequest.of("sink", "Sink '%s' is not a service handler: write it as service://SERVICE/HANDLER,"
                    .formatted(sink) + " e.g. service://Greeter/greet.");
        }
        return new ServiceSink(matcher.group(1), matcher.group(2));
    }

    @Override
    public String toString() {
        return "service://" + service + "/" + handler;
    }
}
