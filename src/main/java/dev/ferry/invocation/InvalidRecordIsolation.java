package dev.ferry.invocation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores a batch that PostgreSQL refused as a whole: writes it in halves, each in its own transaction, down to
 * the single rows it refuses, and stores each of those as an invocation completed as {@code invalid-record}
 * with the database's reason. Every other row of the batch is stored as it is, in the batch's order, so one
 * bad record never holds its partition (or the rest of its poll) back. A failure that is not about the data
 * (the database unreachable or busy) ends the attempt, so the caller tries the whole batch again later; rows
 * stored by then are skipped as already stored.
 */
final class InvalidRecordIsolation {

    private static final Logger log = LoggerFactory.getLogger(InvalidRecordIsolation.class);

    private final Function<List<NewInvocation>, RecordBatchInsert.Result> insert;
    private final List<String> inserted = new ArrayList<>();
    private final Set<String> replaced = new HashSet<>();

    /** @param insert writes rows in one transaction, and throws if PostgreSQL refuses any of them */
    private InvalidRecordIsolation(Function<List<NewInvocation>, RecordBatchInsert.Result> insert) {
        this.insert = insert;
    }

    /** Stores {@code rows} (already refused as a whole) and returns the ids inserted; none are stored running. */
    static RecordBatchInsert.Result store(List<NewInvocation> rows,
            Function<List<NewInvocation>, RecordBatchInsert.Result> insert) {
        InvalidRecordIsolation isolation = new InvalidRecordIsolation(insert);
        isolation.split(rows);
        return new RecordBatchInsert.Result(isolation.inserted, List.of(), isolation.replaced);
    }

    private void split(List<NewInvocation> rows) {
        if (rows.size() == 1) {
            attempt(rows);
            return;
        }
        int half = rows.size() / 2;
        attempt(rows.subList(0, half));
        attempt(rows.subList(half, rows.size()));
    }

    private void attempt(List<NewInvocation> rows) {
        try {
            inserted.addAll(insert.apply(rows).inserted());
        } catch (RuntimeException e) {
            if (DatabaseFailure.isTransient(e)) {
                throw e;
            }
            if (rows.size() == 1) {
                storeStandIn(rows.get(0), e);
            } else {
                split(rows);
            }
        }
    }

    /** Stores the first stand-in of a refused row that PostgreSQL takes; throws when it refuses them all. */
    private void storeStandIn(NewInvocation row, RuntimeException refusal) {
        String reason = "PostgreSQL refused to store the record: " + DatabaseFailure.reason(refusal);
        for (NewInvocation standIn : row.asInvalidRecord(reason)) {
            try {
                List<String> stored = insert.apply(List.of(standIn)).inserted();
                replaced.add(row.id());
                if (stored.isEmpty()) {
                    return; // stored before, by an earlier delivery of the same poll
                }
                inserted.addAll(stored);
                log.warn("Record {} stored as failed invocation {} (invalid-record): {}", coordinates(row),
                        row.id(), reason);
                return;
            } catch (RuntimeException e) {
                if (DatabaseFailure.isTransient(e)) {
                    throw e;
                }
                refusal.addSuppressed(e);
            }
        }
        throw refusal;
    }

    private static String coordinates(NewInvocation row) {
        KafkaOrigin origin = row.origin();
        return origin == null ? "(none)" : origin.topic() + "-" + origin.partition() + "@" + origin.offset();
    }
}
