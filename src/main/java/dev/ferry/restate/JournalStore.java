package dev.ferry.restate;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

import dev.ferry.invocation.InvocationStatus;
import dev.ferry.invocation.Outcome;

/**
 * Invocation journals. {@link #append} is the one write: the new entries and the state changes they imply, in
 * one transaction (the caller's, if it has one, so that the invocation's status can go in the same one), fenced
 * on the journal length and on the claim of the attempt. A stale or duplicate attempt, whose starting length is no
 * longer the stored one, or whose invocation was killed or claimed again since, writes nothing, so the journal
 * never forks and no state change is applied twice. {@link #appendAll} writes the appends of many attempts in
 * one statement per table. The timers and the callees of the new commands ({@link OutgoingCalls}), and what their
 * promise commands do ({@link WorkflowPromises}), are stored in the same transaction.
 */
@Repository
public class JournalStore {

    /** Grows the journals that still have the expected length under the expected claim; returns those. */
    private static final String FENCE = """
            update invocations i
               set journal_length = i.journal_length + u.added,
                   retries_since_last_entry = (case when u.added > 0 then 0 else i.retries_since_last_entry end)
                                              + (case when u.failed then 1 else 0 end),
                   last_entry_at = case when u.added > 0 then ? else i.last_entry_at end
              from unnest(?::text[], ?::int[], ?::int[], ?::boolean[], ?::int[])
                   as u(id, expected, added, failed, attempt)
             where i.id = u.id and i.status = %s and %s
            returning i.id""".formatted(InvocationStatus.RUNNING.sqlAtRunTime(), Outcome.JournalFence.HOLDS);

    /** One row per append: the frames of its entries back to back, from the index of the first. */
    private static final String INSERT = """
            insert into journal_segments (invocation_id, first_index, entry_count, frames, created_at)
            select u.id, u.first_index, u.entry_count, u.frames, ?
              from unnest(?::text[], ?::int[], ?::int[], ?::bytea[]) as u(id, first_index, entry_count, frames)""";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final StateStore state;
    private final OutgoingCalls calls;
    private final Attachments attachments;
    private final WorkflowPromises promises;
    private final Clock clock;

    @Autowired
    JournalStore(JdbcTemplate jdbc, TransactionTemplate transactions, StateStore state, OutgoingCalls calls,
            WorkflowPromises promises, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.state = state;
        this.calls = calls;
        this.attachments = new Attachments(jdbc);
        this.promises = promises;
        this.clock = clock;
    }

    /** A journal store whose appends may not call other handlers. */
    public JournalStore(JdbcTemplate jdbc, TransactionTemplate transactions, StateStore state, Clock clock) {
        this(jdbc, transactions, state, null, new WorkflowPromises(jdbc), clock);
    }

    /** How an append went. */
    public enum AppendOutcome {
        /** Entries and state changes are stored. */
        APPENDED,
        /**
         * The journal no longer has the expected length, or the invocation is no longer running under the
         * attempt's claim (or is gone): nothing was written.
         */
        FENCED
    }

    /** The stored journal of an invocation, entry 0 first. */
    public List<JournalEntry> load(String invocationId) {
        List<JournalEntry> entries = new ArrayList<>();
        jdbc.query("select frames from journal_segments where invocation_id = ? order by first_index",
                row -> {
                    entries.addAll(JournalEntry.ofStoredSegment(row.getBytes(1)));
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
        return appendAll(List.of(append)).isEmpty() ? AppendOutcome.APPENDED : AppendOutcome.FENCED;
    }

    /**
     * Appends the entries and applies the state changes of many attempts in one transaction (the caller's, if it
     * has one), each fenced on its own; returns the appends that were fenced out, which wrote nothing. Appends of
     * the same invocation or object are applied in the order given.
     */
    public List<JournalAppend> appendAll(List<JournalAppend> appends) {
        return inRounds(appends, this::write);
    }

    /**
     * Writes appends whose fence the caller's transaction has already passed, and whose journal length it has
     * already grown: the statement that completed each invocation checked that its journal still had the expected
     * length under the expected claim ({@code Outcome.JournalFence}). Everything but the fence is written as
     * {@link #appendAll} writes it.
     */
    public void storeFenced(List<JournalAppend> appends) {
        inRounds(appends, (round, now) -> {
            store(round, now);
            return List.of();
        });
    }

    /**
     * Writes appends in one transaction (the caller's, if it has one), in rounds of appends that share neither
     * their invocation nor (when they change state) their object, in the order given; returns the appends the
     * rounds found fenced out.
     */
    private List<JournalAppend> inRounds(List<JournalAppend> appends,
            BiFunction<List<JournalAppend>, Instant, List<JournalAppend>> writeRound) {
        if (appends.isEmpty()) {
            return List.of();
        }
        return transactions.execute(status -> {
            Instant now = clock.instant();
            List<JournalAppend> fenced = new ArrayList<>();
            List<JournalAppend> rest = new ArrayList<>(appends);
            while (!rest.isEmpty()) {
                List<JournalAppend> round = new ArrayList<>();
                rest = apart(rest, round);
                fenced.addAll(writeRound.apply(round, now));
            }
            return fenced;
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
                    returning seq, frame, completion_id, value, failure, notification_type""",
                    (row, n) -> Map.entry(row.getLong(1), row.getBytes(2) != null
                            ? JournalEntry.ofStored(row.getBytes(2))
                            : CallResults.notification(row.getObject(6, Integer.class), row.getInt(3),
                                    row.getBytes(4), row.getString(5))),
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
            insert(List.of(new JournalAppend(invocationId, length, due, "", "", List.of(), false)),
                    Timestamp.from(now));
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

    /**
     * Moves into {@code round} the appends that share neither their invocation nor (when they change state) their
     * object with an earlier append, in order; returns the others, which a later round writes.
     */
    private static List<JournalAppend> apart(List<JournalAppend> appends, List<JournalAppend> round) {
        Set<String> invocations = new HashSet<>();
        Set<List<String>> objects = new HashSet<>();
        List<JournalAppend> later = new ArrayList<>();
        for (JournalAppend append : appends) {
            boolean seen = !invocations.add(append.invocationId());
            if (!append.stateChanges().isEmpty()) {
                seen |= !objects.add(List.of(append.service(), append.objectKey()));
            }
            (seen ? later : round).add(append);
        }
        return later;
    }

    private List<JournalAppend> write(List<JournalAppend> round, Instant now) {
        int size = round.size();
        String[] ids = new String[size];
        int[] expected = new int[size];
        int[] added = new int[size];
        boolean[] failed = new boolean[size];
        int[] attempts = new int[size];
        for (int i = 0; i < size; i++) {
            JournalAppend append = round.get(i);
            ids[i] = append.invocationId();
            expected[i] = append.expectedLength();
            added[i] = append.entries().size();
            failed[i] = append.attemptFailed();
            attempts[i] = append.attempt();
        }
        Timestamp at = Timestamp.from(now);
        Set<String> grown = new HashSet<>(jdbc.queryForList(FENCE, String.class, at, ids, expected, added, failed,
                attempts));
        List<JournalAppend> fenced = new ArrayList<>();
        List<JournalAppend> stored = new ArrayList<>(size);
        for (JournalAppend append : round) {
            (grown.contains(append.invocationId()) ? stored : fenced).add(append);
        }
        store(stored, now);
        return fenced;
    }

    /** Writes what appends that passed their fence add: entries, state changes, and what their commands start. */
    private void store(List<JournalAppend> stored, Instant now) {
        Timestamp at = Timestamp.from(now);
        insert(stored, at);
        state.applyAll(stored.stream().filter(append -> !append.stateChanges().isEmpty())
                .map(append -> new StateStore.ObjectChanges(append.service(), append.objectKey(),
                        append.stateChanges())).toList(), now);
        for (JournalAppend append : stored) {
            owe(append.invocationId(), append.completions(), now);
            if (!append.calls().isEmpty()) {
                if (calls == null) {
                    throw new IllegalStateException("this journal store creates no calls");
                }
                calls.create(append.invocationId(), append.calls(), now);
            }
            attachments.register(append.invocationId(), append.entries(), now);
        }
        promises.applyAll(stored, now);
    }

    private void insert(List<JournalAppend> appends, Timestamp now) {
        List<JournalAppend> growing = appends.stream().filter(append -> !append.entries().isEmpty()).toList();
        if (growing.isEmpty()) {
            return;
        }
        int rows = growing.size();
        String[] ids = new String[rows];
        int[] firstIndexes = new int[rows];
        int[] counts = new int[rows];
        byte[][] frames = new byte[rows][];
        for (int row = 0; row < rows; row++) {
            JournalAppend append = growing.get(row);
            ids[row] = append.invocationId();
            firstIndexes[row] = append.expectedLength();
            counts[row] = append.entries().size();
            frames[row] = JournalEntry.segment(append.entries());
        }
        jdbc.update(INSERT, now, ids, firstIndexes, counts, frames);
    }
}
