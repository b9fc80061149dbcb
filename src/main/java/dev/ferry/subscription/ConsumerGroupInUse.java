package dev.ferry.subscription;

import java.util.Map;

import dev.ferry.web.Conflict;

/** Another subscription already consumes in the consumer group a new one asks for. */
public class ConsumerGroupInUse extends Conflict {

    private ConsumerGroupInUse(String groupId, String subscription) {
        super("consumer-group-in-use", "Consumer group in use", ("Consumer group '%s' is already used by"
                + " subscription %s; two subscriptions in one group would each get only part of the records. Leave"
                + " 'group.id' out (it then defaults to the new subscription's id) or choose a group no other"
                + " subscription uses.").formatted(groupId, subscription),
                Map.of("group_id", groupId, "subscription", subscription));
    }

    /** @param subscription the id of the subscription that uses the group */
    public static ConsumerGroupInUse of(String groupId, String subscription) {
        return new ConsumerGroupInUse(groupId, subscription);
    }
}
