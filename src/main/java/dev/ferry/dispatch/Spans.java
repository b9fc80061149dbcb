package dev.ferry.dispatch;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.tracing.Link;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Ferry's own spans (ingest batch, invocation attempt, handler call) through Micrometer Tracing. A span joins the
 * trace whose W3C context a record's headers carry; the dispatcher reads that context from the headers stored
 * with the invocation, since it calls handlers from its own threads long after the record was consumed. Without
 * a tracer (tracing off) every span is a no-op.
 */
@Component
public class Spans {

    private static final String TRACEPARENT = "traceparent";
    /** A W3C traceparent of version 00: trace id, parent span id, flags. */
    private static final Pattern W3C = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
    /** OpenTelemetry's default limit of links per span; the SDK drops any beyond it. */
    static final int MAX_LINKS = 128;

    private final Tracer tracer;
    private final Propagator propagator;

    @Autowired
    public Spans(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        this(tracer.getIfAvailable(() -> Tracer.NOOP), propagator.getIfAvailable(() -> Propagator.NOOP));
    }

    Spans(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /** Spans that are never recorded, for tests and tools. */
    public static Spans none() {
        return new Spans(Tracer.NOOP, Propagator.NOOP);
    }

    /**
     * Starts a span named {@code name}, a child of the trace context {@code carrier} holds ({@code field} reads a
     * propagation field of it, such as {@code traceparent}, or null), or the root of a new trace when it holds none;
     * {@code kind} null makes an internal span.
     */
    public <C> Span start(String name, Span.Kind kind, C carrier, BiFunction<C, String, String> field) {
        boolean traced = propagator.fields().stream().anyMatch(f -> field.apply(carrier, f) != null);
        Span.Builder builder = traced ? propagator.extract(carrier, field::apply) : tracer.spanBuilder().setNoParent();
        builder.name(name);
        return (kind == null ? builder : builder.kind(kind)).start();
    }

    /**
     * Starts the span of a batch of carriers (a poll's records): a child of the first trace context among them
     * (a span has one parent), linked to the other traces the batch holds, up to {@value #MAX_LINKS}.
     */
    public <C> Span startBatch(String name, Span.Kind kind, List<C> carriers, BiFunction<C, String, String> field) {
        C first = null;
        Set<String> traces = new HashSet<>();
        List<Link> links = new ArrayList<>();
        for (C carrier : carriers) {
            String parent = field.apply(carrier, TRACEPARENT);
            Matcher w3c = parent == null ? null : W3C.matcher(parent.strip());
            if (w3c == null || !w3c.matches() || !traces.add(w3c.group(1))) {
                continue;
            }
            if (first == null) {
                first = carrier;
            } else if (links.size() < MAX_LINKS) {
                links.add(new Link(tracer.traceContextBuilder().traceId(w3c.group(1)).spanId(w3c.group(2))
                        .sampled((Integer.parseInt(w3c.group(3), 16) & 1) == 1).build()));
            }
        }
        Span.Builder builder = first != null ? propagator.extract(first, field::apply)
                : tracer.spanBuilder().setNoParent();
        links.forEach(builder::addLink);
        return builder.name(name).kind(kind).start();
    }

    /** Starts a child of {@code parent}. */
    Span child(Span parent, String name, Span.Kind kind) {
        return tracer.spanBuilder().setParent(parent.context()).name(name).kind(kind).start();
    }

    /** The propagation fields (W3C {@code traceparent}, {@code tracestate}) that continue {@code span}'s trace. */
    Map<String, String> fields(Span span) {
        if (span.isNoop()) {
            return Map.of();
        }
        Map<String, String> fields = new LinkedHashMap<>();
        propagator.inject(span.context(), fields, Map::put);
        return fields;
    }

    /** The names of the propagation fields. */
    List<String> fieldNames() {
        return propagator.fields();
    }
}
