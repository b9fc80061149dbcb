package dev.ferry.ops;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.Records;
import dev.ferry.testsupport.TestInfrastructure;

/**
 * A record's W3C trace context continues into the handler call, and Ferry's own spans join that trace and reach
 * an OTLP/HTTP receiver this test serves on 127.0.0.1, decoding what it gets with the OpenTelemetry proto classes.
 */
class TracingIT {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PRODUCER_SPAN = "00f067aa0ba902b7";

    private static final List<Span> received = new CopyOnWriteArrayList<>();
    private static HttpServer receiver;
    private static ExecutorService receiverThreads;
    private static FerryInstance ferry;
    private static Api api;
    private static HandlerServer handler;

    @BeforeAll
    static void start() throws IOException {
        receiverThreads = Executors.newVirtualThreadPerTaskExecutor();
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setExecutor(receiverThreads);
        receiver.createContext("/v1/traces", TracingIT::receive);
        receiver.start();
        String endpoint = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/v1/traces";
        ferry = FerryInstance.start("tracing", Map.of("ferry.consumer.reconcile-interval", "500ms",
                "management.opentelemetry.tracing.export.otlp.endpoint", endpoint,
                "management.opentelemetry.tracing.export.schedule-delay", "200ms",
                // this instance also shows that the Kafka clients' own metrics can be left out
                "ferry.consumer.client-metrics", "false"));
        api = ferry.api();
        handler = HandlerServer.start().respondWith(request -> HandlerServer.Response.ok("{}"));
        api.post("/kafka-clusters", json("{'name':'local','properties':{'bootstrap.servers':'%s'}}"
                .formatted(TestInfrastructure.kafka().bootstrapServers())));
        api.post("/services", json("{'name':'Traced','type':'SERVICE','endpoint':'%s','handlers':[{'name':'see'}]}"
                .formatted(handler.endpoint())));
    }

    @AfterAll
    static void stop() {
        ferry.close();
        handler.close();
        receiver.stop(0);
        receiverThreads.shutdownNow();
    }

    @Test
    void continuesTheProducersTraceIntoTheHandlerCallAndExportsFerrysSpansInIt() {
        api.post("/subscriptions", json("{'source':'kafka://local/traced','sink':'service://Traced/see',"
                + "'options':{'auto.offset.reset':'earliest'}}"));
        String traceparent = "00-" + TRACE_ID + "-" + PRODUCER_SPAN + "-01";
        try (Records records = new Records(TestInfrastructure.kafka().bootstrapServers())) {
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>("traced", null, Records.bytes("{}"));
            record.headers().add(new RecordHeader("traceparent", Records.bytes(traceparent)));
            record.headers().add(new RecordHeader("tracestate", Records.bytes("shop=checkout")));
            records.sendAndWait(record);
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> callOf("traced") != null);
        HandlerServer.Received call = callOf("traced");
        String[] continued = call.header("traceparent").split("-");
        assertThat(continued[1]).as("trace id the handler sees").isEqualTo(TRACE_ID);
        assertThat(continued[2]).as("parent span: Ferry's span of the call").isNotEqualTo(PRODUCER_SPAN);
        assertThat(continued[3]).isEqualTo("01");
        assertThat(call.header("tracestate")).isEqualTo("shop=checkout");
        assertThat(call.header("kafka.header.traceparent")).isEqualTo(traceparent);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(spansOf(TRACE_ID))
                .extracting(Span::getName)
                .contains("ferry ingest", "ferry attempt", "ferry call Traced/see"));
        Span ingest = named("ferry ingest");
        Span attempt = named("ferry attempt");
        Span handlerCall = named("ferry call Traced/see");
        assertThat(hex(ingest.getParentSpanId().toByteArray())).isEqualTo(PRODUCER_SPAN);
        assertThat(hex(attempt.getParentSpanId().toByteArray())).isEqualTo(PRODUCER_SPAN);
        assertThat(handlerCall.getParentSpanId()).isEqualTo(attempt.getSpanId());
        assertThat(hex(handlerCall.getSpanId().toByteArray())).isEqualTo(continued[2]);
        assertThat(handlerCall.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
        assertThat(attempt.getAttributesList()).anySatisfy(attribute -> {
            assertThat(attribute.getKey()).isEqualTo("ferry.outcome");
            assertThat(attribute.getValue().getStringValue()).isEqualTo("success");
        });

        String metrics = api.get("/actuator/prometheus").text();
        assertThat(metrics).contains("ferry_records_ingested_total{").doesNotContain("kafka_consumer_");
    }

    @Test
    void linksTheSpanOfAnIngestBatchToEveryOtherTraceItHolds() {
        String first = "5bf92f3577b34da6a3ce929d0e0e4736";
        String second = "6bf92f3577b34da6a3ce929d0e0e4736";
        try (Records records = new Records(TestInfrastructure.kafka().bootstrapServers())) {
            for (String trace : List.of(first, second)) {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>("traced-batch", 0, Records.bytes("k"),
                        Records.bytes("{}"));
                record.headers().add(new RecordHeader("traceparent",
                        Records.bytes("00-" + trace + "-" + PRODUCER_SPAN + "-01")));
                records.sendAndWait(record);
            }
        }
        // subscribed after both records are there, so that the first poll holds both
        api.post("/subscriptions", json("{'source':'kafka://local/traced-batch','sink':'service://Traced/see',"
                + "'options':{'auto.offset.reset':'earliest'}}"));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(spansOf(first))
                .filteredOn(span -> span.getName().equals("ferry ingest")).singleElement()
                .satisfies(ingest -> assertThat(ingest.getLinksList())
                        .anySatisfy(link -> assertThat(hex(link.getTraceId().toByteArray())).isEqualTo(second))));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(spansOf(second))
                .extracting(Span::getName).contains("ferry attempt", "ferry call Traced/see"));
    }

    private static HandlerServer.Received callOf(String topic) {
        return handler.received().stream().filter(r -> topic.equals(r.header("kafka.topic"))).findFirst()
                .orElse(null);
    }

    private static Span named(String name) {
        return spansOf(TRACE_ID).stream().filter(span -> span.getName().equals(name)).findFirst().orElseThrow();
    }

    private static List<Span> spansOf(String traceId) {
        return received.stream().filter(span -> hex(span.getTraceId().toByteArray()).equals(traceId)).toList();
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** An OTLP/HTTP trace receiver: decodes each protobuf export request and answers it with success. */
    private static void receive(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(in.readAllBytes());
            for (ResourceSpans resource : request.getResourceSpansList()) {
                for (ScopeSpans scope : resource.getScopeSpansList()) {
                    received.addAll(scope.getSpansList());
                }
            }
        }
        byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
        exchange.getResponseHeaders().set("content-type", "application/x-protobuf");
        exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }
}
