package dev.ferry.restate;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.ferry.restate.wire.ServiceProtocol.CompletePromiseCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.CompletePromiseCompletionNotificationMessage;
import dev.ferry.restate.wire.ServiceProtocol.Failure;
import dev.ferry.restate.wire.ServiceProtocol.GetPromiseCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.GetPromiseCompletionNotificationMessage;
import dev.ferry.restate.wire.ServiceProtocol.PeekPromiseCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.PeekPromiseCompletionNotificationMessage;
import dev.ferry.restate.wire.ServiceProtocol.Value;
import dev.ferry.restate.wire.ServiceProtocol.Void;

/**
 * The durable promises of workflows ({@code ctx.promise(name)}), applied from the promise commands of a stored
 * append, inside the transaction that stores them: a get of a completed promise, and every peek, are answered at
 * once; a get of a pending one waits as a row of {@code workflow_promise_waiters}; a resolve or reject completes the
 * promise once and owes every waiter its value in the same transaction (a suspended waiter wakes). Completing a
 * promise that is completed already fails the command with 409 "promise was already completed", as in Restate.
 * Each command locks its promise's row, so a completion and a new waiter cannot miss each other.
 */
@Component
class WorkflowPromises {

    /** The failure code of completing a promise twice (Restate's {@code ALREADY_COMPLETED_INVOCATION_ERROR}). */
    static final int ALREADY_COMPLETED = 409;

    private final JdbcTemplate jdbc;

    WorkflowPromises(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A promise as stored: completed with a value or a failure, or not (yet). */
    private record Outcome(boolean completed, byte[] value, int failureCode, String failure) {
        static final Outcome PENDING = new Outcome(false, null, 0, null);

        boolean failed() {
            return failure != null;
        }

        Failure toFailure() {
            return Failure.newBuilder().setCode(failureCode).setMessage(failure).build();
        }

        Value toValue() {
            return Value.newBuilder().setContent(value == null ? ByteString.EMPTY : ByteString.copyFrom(value)).build();
        }
    }

    /** Reads a promise command's body, so that one that cannot be read is refused before it is kept. */
    static void check(MessageType type, byte[] body) throws InvalidProtocolBufferException {
        switch (type) {
            case GET_PROMISE_COMMAND -> GetPromiseCommandMessage.parseFrom(body);
            case PEEK_PROMISE_COMMAND -> PeekPromiseCommandMessage.parseFrom(body);
            case COMPLETE_PROMISE_COMMAND -> CompletePromiseCommandMessage.parseFrom(body);
            default -> throw new IllegalArgumentException("not a promise command: " + type);
        }
    }

    /**
     * Applies the promise commands among the entries of {@code appends}, append by append and in order, to the
     * promises of each append's workflow ({@code service} and {@code objectKey}), and stores the notifications they
     * owe; runs inside the transaction that stores the appends. The promises' rows are locked first, in one order,
     * so that two batches of outcomes never wait for each other's promises; a waiter whose invocation row another
     * transaction holds is not waited for either (the waker makes it ready once that one has ended).
     */
    void applyAll(List<JournalAppend> appends, Instant now) {
        SortedSet<List<String>> promises = new TreeSet<>(Comparator.comparing((List<String> id) -> id.get(0))
                .thenComparing(id -> id.get(1)).thenComparing(id -> id.get(2)));
        for (JournalAppend append : appends) {
            commands(append).forEach(command -> promises.add(List.of(append.service(), append.objectKey(),
                    name(command.getKey(), command.getValue()))));
        }
        if (promises.isEmpty()) {
            return;
        }
        promises.forEach(promise -> lock(promise.get(0), promise.get(1), promise.get(2)));
        for (JournalAppend append : appends) {
            List<PendingCompletion> owed = new ArrayList<>();
            for (Map.Entry<MessageType, byte[]> command : commands(append)) {
                try {
                    apply(append, command.getKey(), command.getValue(), now, owed);
                } catch (InvalidProtocolBufferException e) {
                    throw unreadable(command.getKey(), e);
                }
            }
            owed.forEach(completion -> owe(append.invocationId(), completion, now));
        }
    }

    /** The promise commands of an append, in order. */
    private static List<Map.Entry<MessageType, byte[]>> commands(JournalAppend append) {
        List<Map.Entry<MessageType, byte[]>> commands = new ArrayList<>();
        for (JournalEntry entry : append.entries()) {
            MessageType type = MessageType.of(entry.type());
            if (type == MessageType.GET_PROMISE_COMMAND || type == MessageType.PEEK_PROMISE_COMMAND
                    || type == MessageType.COMPLETE_PROMISE_COMMAND) {
                commands.add(Map.entry(type, entry.toFrame().body()));
            }
        }
        return commands;
    }

    private static String name(MessageType type, byte[] body) {
        try {
            return switch (type) {
                case GET_PROMISE_COMMAND -> GetPromiseCommandMessage.parseFrom(body).getKey();
                case PEEK_PROMISE_COMMAND -> PeekPromiseCommandMessage.parseFrom(body).getKey();
                default -> CompletePromiseCommandMessage.parseFrom(body).getKey();
            };
        } catch (InvalidProtocolBufferException e) {
            throw unreadable(type, e);
        }
    }

    private static IllegalStateException unreadable(MessageType type, InvalidProtocolBufferException e) {
        // the attempt read every command before it was kept
        return new IllegalStateException("a stored " + type + " cannot be read", e);
    }

    /** Stores a notification owed to the invocation itself, or to a waiter, which wakes if it is suspended. */
    private void owe(String invocationId, PendingCompletion completion, Instant now) {
        String target = completion.target() == null ? invocationId : completion.target();
        Timestamp at = Timestamp.from(now);
        int stored = jdbc.update("""
                insert into invocation_completions (invocation_id, due_at, frame, created_at)
                select id, ?, ?, ? from invocations where id = ? and status <> 'completed'""",
                Timestamp.from(completion.dueAt()), completion.notification().rawFrame(), at, target);
        if (stored > 0 && !target.equals(invocationId)) {
            jdbc.update("""
                    update invocations set status = 'ready', next_attempt_at = ?, modified_at = ?
                     where id in (select id from invocations where id = ? and status = 'suspended'
                                  for update skip locked)""", at, at, target);
        }
    }

    private void apply(JournalAppend append, MessageType type, byte[] body, Instant now,
            List<PendingCompletion> owed) throws InvalidProtocolBufferException {
        String service = append.service();
        String key = append.objectKey();
        switch (type) {
            case GET_PROMISE_COMMAND -> {
                GetPromiseCommandMessage get = GetPromiseCommandMessage.parseFrom(body);
                Outcome outcome = lock(service, key, get.getKey());
                if (outcome.completed()) {
                    owed.add(new PendingCompletion(now, getNotification(get.getResultCompletionId(), outcome)));
                } else {
                    jdbc.update("""
                            insert into workflow_promise_waiters (service, workflow_key, name, invocation_id,
                                                                  completion_id)
                            values (?, ?, ?, ?, ?) on conflict do nothing""", service, key, get.getKey(),
                            append.invocationId(), get.getResultCompletionId());
                }
            }
            case PEEK_PROMISE_COMMAND -> {
                PeekPromiseCommandMessage peek = PeekPromiseCommandMessage.parseFrom(body);
                Outcome outcome = lock(service, key, peek.getKey());
                PeekPromiseCompletionNotificationMessage.Builder answer = PeekPromiseCompletionNotificationMessage
                        .newBuilder().setCompletionId(peek.getResultCompletionId());
                if (!outcome.completed()) {
                    answer.setVoid(Void.getDefaultInstance());
                } else if (outcome.failed()) {
                    answer.setFailure(outcome.toFailure());
                } else {
                    answer.setValue(outcome.toValue());
                }
                owed.add(new PendingCompletion(now, entry(MessageType.PEEK_PROMISE_COMPLETION_NOTIFICATION,
                        answer.build().toByteArray())));
            }
            case COMPLETE_PROMISE_COMMAND -> complete(service, key, CompletePromiseCommandMessage.parseFrom(body), now,
                    owed);
            default -> throw new IllegalArgumentException("not a promise command: " + type);
        }
    }

    private void complete(String service, String key, CompletePromiseCommandMessage complete, Instant now,
            List<PendingCompletion> owed) {
        Outcome outcome = complete.hasCompletionFailure()
                ? new Outcome(true, null, complete.getCompletionFailure().getCode(),
                        complete.getCompletionFailure().getMessage())
                : new Outcome(true, complete.getCompletionValue().getContent().toByteArray(), 0, null);
        int completed = jdbc.update("""
                insert into workflow_promises (service, workflow_key, name, value, failure_code, failure, completed_at)
                values (?, ?, ?, ?, ?, ?, ?)
                on conflict (service, workflow_key, name) do update
                   set value = excluded.value, failure_code = excluded.failure_code, failure = excluded.failure,
                       completed_at = excluded.completed_at
                 where workflow_promises.completed_at is null""", service, key, complete.getKey(),
                outcome.failed() ? null : outcome.value(), outcome.failed() ? outcome.failureCode() : null,
                outcome.failure(), Timestamp.from(now));
        CompletePromiseCompletionNotificationMessage.Builder answer = CompletePromiseCompletionNotificationMessage
                .newBuilder().setCompletionId(complete.getResultCompletionId());
        if (completed == 0) {
            answer.setFailure(Failure.newBuilder().setCode(ALREADY_COMPLETED)
                    .setMessage("promise was already completed"));
        } else {
            answer.setVoid(Void.getDefaultInstance());
            jdbc.query("""
                    delete from workflow_promise_waiters where service = ? and workflow_key = ? and name = ?
                    returning invocation_id, completion_id""",
                    row -> {
                        owed.add(new PendingCompletion(now, getNotification(row.getInt(2), outcome),
                                row.getString(1)));
                    }, service, key, complete.getKey());
        }
        owed.add(new PendingCompletion(now, entry(MessageType.COMPLETE_PROMISE_COMPLETION_NOTIFICATION,
                answer.build().toByteArray())));
    }

    /** The promise, its row locked until the transaction ends (created pending if there was none). */
    private Outcome lock(String service, String key, String name) {
        jdbc.update("""
                insert into workflow_promises (service, workflow_key, name) values (?, ?, ?)
                on conflict do nothing""", service, key, name);
        return jdbc.query("""
                select completed_at is not null, value, failure_code, failure from workflow_promises
                 where service = ? and workflow_key = ? and name = ? for update""",
                (row, n) -> new Outcome(row.getBoolean(1), row.getBytes(2), row.getInt(3), row.getString(4)),
                service, key, name).stream().findFirst().orElse(Outcome.PENDING);
    }

    private static JournalEntry getNotification(int completionId, Outcome outcome) {
        GetPromiseCompletionNotificationMessage.Builder answer = GetPromiseCompletionNotificationMessage.newBuilder()
                .setCompletionId(completionId);
        if (outcome.failed()) {
            answer.setFailure(outcome.toFailure());
        } else {
            answer.setValue(outcome.toValue());
        }
        return entry(MessageType.GET_PROMISE_COMPLETION_NOTIFICATION, answer.build().toByteArray());
    }

    private static JournalEntry entry(MessageType type, byte[] body) {
        return JournalEntry.of(Frame.of(type.code, body));
    }
}
