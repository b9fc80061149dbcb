package dev.ferry.subscription;

import java.time.Instant;
import java.util.List;

/**
 * What a subscription's consumer is doing on this instance.
 *
 * @param state      {@code starting}, {@code running}, {@code paused}, {@code stalled} (consuming, but the
 *                   records cannot be stored; retried) or {@code failed} (not consuming)
 * @param since      when it entered this state
 * @param error      why it is stalled or failed; null otherwise
 * @param partitions the partitions assigned to it here, as {@code topic-partition}
 */
public record ConsumerStatus(String state, Instant since, String error, List<String> partitions) {
}
