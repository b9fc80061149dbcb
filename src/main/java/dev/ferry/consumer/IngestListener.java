package dev.ferry.consumer;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.listener.BatchConsumerAwareMessageListener;

import dev.ferry.dispatch.Dispatcher;
import dev.ferry.invocation.InvocationStore;
import dev.ferry.invocation.NewInvocation;
import dev.ferry.service.HandlerTarget;
import dev.ferry.service.ServiceRegistry;
import dev.ferry.subscription.SubscriptionDetails;

/**
 * Writes each polled batch of one subscription as invocations, in one transaction, and returns only once
 * they are durable; the container then commits the offsets. If the write fails the listener throws, the
 * container's error handler seeks back and the same batch is written again later: nothing is lost, and
 * the unique (subscription, topic, partition, offset) constraint keeps it from being stored twice.
 */
class IngestListener implements BatchConsumerAwareMessageListener<byte[], byte[]> {

    private static final Logger log = LoggerFactory.getLogger(IngestListener.class);

    private final SubscriptionDetails subscription;
    private final ServiceRegistry services;
    private final InvocationStore store;
    private final RecordConverter converter;
    private final ConsumerMetrics metrics;
    private final Dispatcher dispatcher;

    IngestListener(SubscriptionDetails subscription, ServiceRegistry services, InvocationStore store,
            RecordConverter converter, ConsumerMetrics metrics, Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
        this.subscription = subscription;
        this.services = services;
        this.store = store;
        this.converter = converter;
        this.metrics = metrics;
    }

    @Override
    public void onMessage(List<ConsumerRecord<byte[], byte[]>> records, Consumer<?, ?> consumer) {
        if (records.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        try (MDC.MDCCloseable ignored = MDC.putCloseable("subscriptionId", subscription.id())) {
            HandlerTarget target = services.findTarget(subscription.sink().service(), subscription.sink().handler())
                    .orElseThrow(() -> new IllegalStateException("Handler %s of subscription %s is not registered"
                            .formatted(subscription.sink(), subscription.id())));
            String deadLetterTopic = subscription.options().get("dead-letter.topic");
            NewInvocation.DeadLetter deadLetter = deadLetterTopic == null ? null
                    : new NewInvocation.DeadLetter(subscription.source().cluster(), deadLetterTopic);
            List<NewInvocation> invocations = new ArrayList<>(records.size());
            for (ConsumerRecord<byte[], byte[]> record : records) {
                NewInvocation invocation = converter.convert(subscription.id(), target, record);
                invocations.add(deadLetter == null ? invocation : invocation.withDeadLetter(deadLetter));
            }
            int reserved = dispatcher.reserve(invocations.size());
            List<dev.ferry.invocation.ClaimedInvocation> running;
            try {
                running = store.enqueue(invocations, dispatcher.owner(), reserved, dispatcher.lease());
            } catch (RuntimeException e) {
                dispatcher.dispatch(List.of(), reserved);
                throw e;
            }
            dispatcher.dispatch(running, reserved);
            log.debug("Stored {} record(s) as invocations", records.size());
            metrics.recordBatch(subscription.id(), subscription.source().topic(), records.size(),
                    java.time.Duration.ofNanos(System.nanoTime() - started));
            for (TopicPartition partition : consumer.assignment()) {
                consumer.currentLag(partition).ifPresent(lag -> metrics.recordLag(subscription.id(), partition, lag));
            }
        }
    }
}
