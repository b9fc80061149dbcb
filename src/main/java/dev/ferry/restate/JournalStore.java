package dev.ferry.restate;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Invocation journals. {@link #append} is the one write: the new entries and the state changes they imply, in
 * one transaction (the caller's, if it has one, so that the invocation's status can go in the same one), fenced
 * on the journal length. A stale or duplicate attempt, whose starting length is no longer the stored one, writes
 * nothing, so the journal never forks and no state change is applied twice. The timers and the callees of the new
 * commands ({@link OutgoingCalls}) are stored in the same transaction.
 */
@Repository
public class JournalStore {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final StateStore state;
    private final OutgoingCalls calls;
    private final Clock clock;

    @Autowired
    JournalStore(JdbcTemplate jdbc, TransactionTemplate transactions, StateStore state, OutgoingCalls calls,
            Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.state = state;
        this.calls = calls;
        this.clock = clock;
    }

    /** A journal store whose appends may not call other handlers. */
    public JournalStore(JdbcTemplate jdbc, TransactionTemplate transactions, StateStore state, Clock clock) {
        this(jdbc, transactions, state, null, clock);
    }

    /** How an append went. */
    public enum AppendOutcome {
        /** Entries and state changes are stored. */
        APPENDED,
        /** The journal no longer has the expected length (or the invocation is gone): nothing was written. */
        FENCED
    }

    /** The stored journal of an invocation, entry 0 first. */
    public List<JournalEntry> load(String invocationId) {
        List<JournalEntry> entries = new ArrayList<>();
        jdbc.query("select frame from journal_entries where invocation_id = ? order by entry_index",
                row -> {
                    entries.add(JournalEntry.ofStored(row.getBytes(1)));
                }, invocationId);
        return entries;
    }

    /** Where the journal of an invocation stands; empty if there is no such invocation. */
    public Optional<JournalPosition> position(String invocationId) {
        return jdbc.query("select journal_length, retries_since_last_entry, last_entry_at"
                + " from invocations where id = ?",
                (row, n) -> {
                    Timestamp last = row.getTimestamp(3);
                    return new JournalPosition(row.getInt(1), row.getInt(2), last == null ? null : last.toInstant());
                }, invocationId).stream().findFirst();
    }

    /** Appends an attempt's entries and applies its state changes, or writes nothing if fenced out. */
    public AppendOutcome append(JournalAppend append) {
        return transactions.execute(status -> {
            Instant now = clock.instant();
            int added = append.entries().size();
            int updated = jdbc.update("""
                    update invocations
                       set journal_length = journal_length + ?,
                           retries_since_last_entry = (case when ? > 0 then 0 else retries_since_last_entry end)
                                                      + (case when ? then 1 else 0 end),
                           last_entry_at = case when ? > 0 then ? else last_entry_at end
                     where id = ? and journal_length = ?""",
                    added, added, append.attemptFailed(), added, Timestamp.from(now), append.invocationId(),
                    append.expectedLength());
            if (updated == 0) {
                return AppendOutcome.FENCED;
            }
            insert(append, now);
            state.apply(append.service(), append.objectKey(), append.stateChanges(), now);
            owe(append.invocationId(), append.completions(), now);
            if (!append.calls().isEmpty()) {
                if (calls == null) {
                    throw new IllegalStateException("this journal store creates no calls");
                }
                calls.create(append.invocationId(), append.calls(), now);
            }
            return AppendOutcome.APPENDED;
        });
    }

    /**
     * Appends the invocation's due completions (timers whose time has come, results that arrived) to its
     * journal, in the order they were stored, fenced on {@code length}; they leave the pending table in the same
     * transaction.
     *
     * @return how many entries the journal grew by: 0 when nothing was due or the journal had another length
     */
    public int deliverDue(String invocationId, int length) {
        Integer delivered = transactions.execute(status -> {
            Instant now = clock.instant();
            List<JournalEntry> due = jdbc.query("""
                    delete from invocation_completions where invocation_id = ? and due_at <= ?
                    returning seq, frame, completion_id, value, failure""",
                    (row, n) -> Map.entry(row.getLong(1), row.getBytes(2) != null
                            ? JournalEntry.ofStored(row.getBytes(2))
                            : CallResults.notification(row.getInt(3), row.getBytes(4), row.getString(5))),
                    invocationId, Timestamp.from(now)).stream()
                    .sorted(Map.Entry.comparingByKey()).map(Map.Entry::getValue).toList();
            if (due.isEmpty()) {
                return 0;
            }
            int updated = jdbc.update("""
                    update invocations set journal_length = journal_length + ?, last_entry_at = ?
                     where id = ? and journal_length = ?""", due.size(), Timestamp.from(now), invocationId, length);
            if (updated == 0) {
                status.setRollbackOnly();
                return 0;
            }
            insert(new JournalAppend(invocationId, length, due, "", "", List.of(), false), now);
            return due.size();
        });
        return delivered == null ? 0 : delivered;
    }

    /**
     * Stores what the runtime owes journals, each due at its time: to this invocation, or to another one that has
     * not completed, which wakes up if it is suspended (a completion owed to an invocation that is gone or has
     * completed is dropped).
     *
     * @return how many completions were stored
     */
    int owe(String invocationId, List<PendingCompletion> completions, Instant now) {
        int owed = 0;
        for (PendingCompletion completion : completions) {
            String target = completion.target() == null ? invocationId : completion.target();
            int stored = jdbc.update("""
                    insert into invocation_completions (invocation_id, due_at, frame, created_at)
                    select id, ?, ?, ? from invocations where id = ? and status <> 'completed'""",
                    Timestamp.from(completion.dueAt()), completion.notification().rawFrame(), Timestamp.from(now),
                    target);
            if (stored > 0 && completion.target() != null) {
                jdbc.update("""
                        update invocations set status = 'ready', next_attempt_at = ?, modified_at = ?
                         where id = ? and status = 'suspended'""", Timestamp.from(now), Timestamp.from(now), target);
            }
            owed += stored;
        }
        return owed;
    }

    private void insert(JournalAppend append, Instant now) {
        List<Object[]> rows = new ArrayList<>(append.entries().size());
        int index = append.expectedLength();
        for (JournalEntry entry : append.entries()) {
            rows.add(new Object[] {append.invocationId(), index++, entry.type(), entry.name(), entry.rawFrame(),
                    Timestamp.from(now)});
        }
        if (!rows.isEmpty()) {
            jdbc.batchUpdate("""
                    insert into journal_entries (invocation_id, entry_index, entry_type, name, frame, created_at)
                    values (?, ?, ?, ?, ?, ?)""", rows);
        }
    }
}
