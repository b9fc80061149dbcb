package dev.ferry.consumer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

import io.micrometer.tracing.Span;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.kafka.listener.BatchAcknowledgingConsumerAwareMessageListener;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.util.backoff.BackOff;

import dev.ferry.dispatch.Dispatcher;
import dev.ferry.dispatch.Reservation;
import dev.ferry.dispatch.Spans;
import dev.ferry.invocation.InvocationStore;
import dev.ferry.invocation.NewInvocation;
import dev.ferry.service.HandlerTarget;
import dev.ferry.service.ServiceRegistry;
import dev.ferry.subscription.KafkaSource;
import dev.ferry.subscription.SubscriptionDetails;

/**
 * Writes each polled batch of one subscription as invocations, in one transaction, and acknowledges its offsets
 * only once they are durable; the container then commits them, in order. The write runs on the subscription's
 * ingest executor while the consumer thread polls the next batch (see {@link IngestPipeline}): a record that
 * arrives while a batch commits waits for that commit alone, not for the offset commit and the poll as well.
 * If the write fails it is tried again with the error backoff, before any later batch: nothing is lost, and
 * the unique (subscription, topic, partition, offset) constraint keeps a record that is polled again from
 * being stored twice. Records PostgreSQL refuses are stored as failed invocations by the store, so what still
 * fails is the database being out of reach: after {@value #STALL_AFTER} failures in a row the consumer is
 * reported {@code stalled} with the reason, and {@code running} again once a batch is stored.
 */
class IngestListener implements BatchAcknowledgingConsumerAwareMessageListener<byte[], byte[]> {

    private static final Logger log = LoggerFactory.getLogger(IngestListener.class);

    /** Failed writes of a batch in a row after which the consumer counts as stalled. */
    static final int STALL_AFTER = 3;

    private final SubscriptionDetails subscription;
    private final ServiceRegistry services;
    private final InvocationStore store;
    private final RecordConverter converter;
    private final ConsumerMetrics metrics;
    private final Dispatcher dispatcher;
    private final ConsumerStates states;
    private final LagProbe lag;
    private final Spans spans;
    /** Per consumer thread, its batches on their way into the table. */
    private final ThreadLocal<IngestPipeline> pipelines;

    IngestListener(SubscriptionDetails subscription, ServiceRegistry services, InvocationStore store,
            RecordConverter converter, ConsumerMetrics metrics, Dispatcher dispatcher, ConsumerStates states,
            LagProbe lag, Spans spans, Ingest ingest) {
        this.spans = spans;
        this.dispatcher = dispatcher;
        this.states = states;
        this.lag = lag;
        this.subscription = subscription;
        this.services = services;
        this.store = store;
        this.converter = converter;
        this.metrics = metrics;
        this.pipelines = ThreadLocal.withInitial(() -> new IngestPipeline(ingest.executor(), this::attempt,
                ingest.backOff(), ingest.maxWait()));
    }

    /**
     * Where and how the batches are written: {@code executor} runs the writes and their retries, after
     * {@code backOff}; a consumer thread waits up to {@code maxWait} for the batch before at each poll.
     */
    record Ingest(ScheduledExecutorService executor, BackOff backOff, Duration maxWait) {
    }

    @Override
    public void onMessage(List<ConsumerRecord<byte[], byte[]>> records, Acknowledgment acknowledgment,
            Consumer<?, ?> consumer) {
        try {
            pipelines.get().submit(records, acknowledgment, consumer);
        } finally {
            lag.maybeRecord(consumer);
        }
    }

    /**
     * Gives up this consumer thread's batch in flight as its consumer loses {@code partitions}; see
     * {@link IngestPipeline#abandon}. Runs on the consumer thread, in its rebalance listener.
     */
    void partitionsGone(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            // a cooperative rebalance that only adds partitions: the batch in flight carries on
            return;
        }
        pipelines.get().abandon(consumer, partitions);
    }

    /** One attempt to store a batch; runs on the ingest executor. */
    private void attempt(List<ConsumerRecord<byte[], byte[]>> records, int failedBefore) {
        Span batch = spans.startBatch("ferry ingest", Span.Kind.CONSUMER, records, IngestListener::header)
                .tag("ferry.subscription", subscription.id())
                .tag("messaging.destination.name", subscription.source().topic())
                .tag("messaging.batch.message_count", records.size());
        try (MDC.MDCCloseable ignored = MDC.putCloseable("subscriptionId", subscription.id())) {
            store(records);
            if (states.state(subscription.id()).orElse(null) != ConsumerStates.State.RUNNING) {
                states.set(subscription.id(), ConsumerStates.State.RUNNING, null);
            }
        } catch (RuntimeException e) {
            int failed = failedBefore + 1;
            if (failed == 1) {
                log.warn("Could not store {} record(s) as invocations; trying again: {}", records.size(),
                        e.getMessage());
            }
            if (failed >= STALL_AFTER) {
                states.set(subscription.id(), ConsumerStates.State.STALLED, ("%d record(s) cannot be stored as"
                        + " invocations, trying again: %s").formatted(records.size(), reason(e)));
            }
            batch.error(e);
            throw e;
        } finally {
            batch.end();
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record == null ? null : record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The failure in one line, without the statement Spring's exceptions quote. */
    private static String reason(RuntimeException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        return line.length() > 300 ? line.substring(0, 300) : line;
    }

    private void store(List<ConsumerRecord<byte[], byte[]>> records) {
        long started = System.nanoTime();
        HandlerTarget target = services.findTarget(subscription.sink().service(), subscription.sink().handler())
                .orElseThrow(() -> new IllegalStateException("Handler %s of subscription %s is not registered"
                        .formatted(subscription.sink(), subscription.id())));
        String deadLetterTopic = subscription.options().deadLetterTopic();
        NewInvocation.DeadLetter deadLetter = deadLetterTopic == null ? null
                : new NewInvocation.DeadLetter(subscription.source().cluster(), deadLetterTopic);
        KafkaSource results = subscription.options().resultSource(subscription.source().cluster());
        NewInvocation.ResultTopic resultTopic = results == null ? null
                : new NewInvocation.ResultTopic(results.cluster(), results.topic());
        List<NewInvocation> invocations = new ArrayList<>(records.size());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            NewInvocation invocation = converter.convert(subscription.id(), target, record);
            invocation = deadLetter == null ? invocation : invocation.withDeadLetter(deadLetter);
            invocations.add(resultTopic == null ? invocation : invocation.withResultTopic(resultTopic));
        }
        try (Reservation reservation = dispatcher.reserve(invocations.size())) {
            reservation.start(store.enqueue(invocations, reservation.owner(), reservation.size(), reservation.lease()));
        }
        log.debug("Stored {} record(s) as invocations", records.size());
        metrics.recordBatch(subscription.id(), subscription.source().topic(), records.size(),
                Duration.ofNanos(System.nanoTime() - started));
    }
}
