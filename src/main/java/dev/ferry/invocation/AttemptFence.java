package dev.ferry.invocation;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Tells, inside the transaction that records an attempt's outcome, whether that attempt is still the one the
 * invocation runs: the row is running at that attempt number (a claim by any instance counts the attempt up),
 * and it is locked until the transaction ends, so nothing takes it over meanwhile.
 */
@Component
public class AttemptFence {

    private final JdbcTemplate jdbc;

    public AttemptFence(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Whether {@code attempt} of the invocation still runs; locks its row when it does. */
    public boolean holds(String invocationId, int attempt) {
        return !jdbc.queryForList("select 1 from invocations where id = ? and status = ? and attempts = ? for update",
                Integer.class, invocationId, InvocationStatus.RUNNING.wire(), attempt).isEmpty();
    }

    /**
     * Which of many attempts still run their invocations, in one statement: the ids of those, whose rows are
     * locked until the transaction ends. {@code attempts} holds the attempt number of each id, in the same order.
     */
    public Set<String> holding(List<String> invocationIds, List<Integer> attempts) {
        if (invocationIds.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(jdbc.queryForList("""
                select i.id from invocations i
                  join unnest(?::text[], ?::int[]) as u(id, attempt) on i.id = u.id and i.attempts = u.attempt
                 where i.status = ? for update of i""", String.class, invocationIds.toArray(String[]::new),
                attempts.toArray(Integer[]::new), InvocationStatus.RUNNING.wire()));
    }

    /**
     * Locks the active invocations of an exclusive key (ready, running, backing off or paused) until the
     * transaction ends, so none of them is claimed meanwhile; returns whether one of them runs.
     */
    public boolean lockExclusive(String service, String objectKey) {
        return jdbc.queryForList("select status from invocations where exclusive_key = ? and status in (%s, %s, %s, %s)"
                .formatted(InvocationStatus.READY.sql(), InvocationStatus.RUNNING.sql(),
                        InvocationStatus.BACKING_OFF.sql(), InvocationStatus.PAUSED.sql()) + " for update",
                String.class, service + '/' + objectKey).contains(InvocationStatus.RUNNING.wire());
    }
}
