/**
 * Ferry turns Kafka records into durable invocations in PostgreSQL and calls their handlers with retries.
 * One package per capability; the path of a record, in six hops:
 * <ol>
 * <li>{@code consumer.IngestListener} gets a polled batch of one subscription from its listener container and
 * hands it to its {@code consumer.IngestPipeline}, which writes it off the consumer thread while the next poll
 * is fetched, one batch after another; the write turns each record into a {@code NewInvocation}
 * ({@code RecordConverter}) and takes call slots for them with {@code dispatch.Dispatcher.reserve}, which hands
 * back a {@code dispatch.Reservation}.</li>
 * <li>{@code invocation.InvocationStore.enqueue} stores the batch in one transaction, as many of the
 * runnable invocations as the reservation holds already running under this instance's lease, and starts the
 * next invocation of each idle key under the key's lock with what is left of it; once it returns, the batch
 * is acknowledged and the container commits its offsets, in order.</li>
 * <li>{@code dispatch.Reservation.start} starts exactly those and frees the unused slots when closed. It is
 * the one way into a call: the {@code dispatch.Claimer} claims the rest ({@code InvocationStore.claim}, due
 * retries, other instances' records) into reservations of its own.</li>
 * <li>{@code dispatch.Attempts} finds the handler's target and calls it through its
 * {@code dispatch.HandlerProtocol} ({@code PlainHttpProtocol} over {@code HandlerClient} for plain handlers,
 * {@code restate.RestateHandlerProtocol} for Restate SDK handlers, which replays the stored journal), which
 * answers asynchronously with an {@code AttemptResult}; {@code OutcomePolicy} decides the outcome and the wait
 * before a retry.</li>
 * <li>{@code dispatch.OutcomeRecorder} frees the call's slot at once and writes outcomes in batches, with the
 * attempts' durable effects in the same transaction.</li>
 * <li>{@code invocation.InvocationStore.record} stores the outcomes and promotes the next invocation of each
 * released key, started under the lease in the same transaction; those successors go back through a
 * {@code Dispatcher.reserve} reservation, as in hop 3.</li>
 * </ol>
 * Subscriptions ({@code subscription}), services ({@code service}) and clusters ({@code cluster}) hold what
 * users asked for; {@code consumer.ConsumerReconciler} makes the running consumers match it.
 */
package dev.ferry;
