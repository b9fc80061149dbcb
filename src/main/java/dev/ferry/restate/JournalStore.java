package dev.ferry.restate;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Invocation journals. {@link #append} is the one write: the new entries and the state changes they imply, in
 * one transaction (the caller's, if it has one, so that the invocation's status can go in the same one), fenced
 * on the journal length. A stale or duplicate attempt, whose starting length is no longer the stored one, writes
 * nothing, so the journal never forks and no state change is applied twice.
 */
@Repository
public class JournalStore {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final StateStore state;
    private final Clock clock;

    public JournalStore(JdbcTemplate jdbc, TransactionTemplate transactions, StateStore state, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.state = state;
        this.clock = clock;
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
            return AppendOutcome.APPENDED;
        });
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
