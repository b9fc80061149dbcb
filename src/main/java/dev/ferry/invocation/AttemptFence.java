package dev.ferry.invocation;

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
