package dev.ferry.dispatch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

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
