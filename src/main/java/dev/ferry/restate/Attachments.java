package dev.ferry.restate;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import com.google.protobuf.InvalidProtocolBufferException;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.ferry.restate.wire.ServiceProtocol.AttachInvocationCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.GetInvocationOutputCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.GetInvocationOutputCompletionNotificationMessage;
import dev.ferry.restate.wire.ServiceProtocol.Void;

/**
 * Answers the attach and get-output commands of newly stored journal entries, in the transaction that stores them.
 * An invocation that has completed answers both at once with its output or failure; one that has not answers a
 * get-output with "not ready" (void) at once, and registers an attach in {@code invocation_attachments}, whose
 * rows the transaction recording the target's outcome turns into the waiters' completions. The target's row is
 * read {@code for share}, so its outcome is either seen here or sees the registration: never neither.
 */
final class Attachments {

    private static final String TARGET = """
            select status = 'completed', completion = 'success', coalesce(result, ''::bytea),
                   coalesce(last_failure, failure_reason, 'failed')
              from invocations where id = ? for share""";

    private final JdbcTemplate jdbc;

    Attachments(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A target as the waiter's transaction sees it. */
    private record Target(boolean completed, boolean succeeded, byte[] result, String failure) {
    }

    /** Answers or registers each attach and get-output command among {@code entries}, stored for {@code waiterId}. */
    void register(String waiterId, List<JournalEntry> entries, Instant now) {
        for (JournalEntry entry : entries) {
            int type = entry.type();
            if (type != MessageType.ATTACH_INVOCATION_COMMAND.code
                    && type != MessageType.GET_INVOCATION_OUTPUT_COMMAND.code) {
                continue;
            }
            try {
                byte[] body = Frame.parse(entry.rawFrame()).rawBody();
                if (type == MessageType.ATTACH_INVOCATION_COMMAND.code) {
                    AttachInvocationCommandMessage attach = AttachInvocationCommandMessage.parseFrom(body);
                    attach(waiterId, attach.getInvocationId(), attach.getResultCompletionId(), now);
                } else {
                    GetInvocationOutputCommandMessage output = GetInvocationOutputCommandMessage.parseFrom(body);
                    output(waiterId, output.getInvocationId(), output.getResultCompletionId(), now);
                }
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("a stored " + entry.typeName() + " of " + waiterId
                        + " cannot be read", e);
            }
        }
    }

    private void attach(String waiterId, String targetId, int completionId, Instant now) {
        int type = MessageType.ATTACH_INVOCATION_COMPLETION_NOTIFICATION.code;
        if (targetId.equals(waiterId)) {
            owe(waiterId, CallResults.notification(type, completionId, null, "the invocation " + waiterId
                    + " attached to itself, which would wait for its own end forever"), now);
            return;
        }
        Target target = target(targetId);
        if (target == null) {
            owe(waiterId, CallResults.notification(type, completionId, null, unknown(targetId)), now);
        } else if (target.completed()) {
            owe(waiterId, CallResults.notification(type, completionId, target.succeeded() ? target.result() : null,
                    target.succeeded() ? null : target.failure()), now);
        } else {
            jdbc.update("""
                    insert into invocation_attachments (target_id, waiter_id, completion_id, created_at)
                    values (?, ?, ?, ?) on conflict do nothing""", targetId, waiterId, completionId,
                    Timestamp.from(now));
        }
    }

    private void output(String waiterId, String targetId, int completionId, Instant now) {
        GetInvocationOutputCompletionNotificationMessage.Builder answer =
                GetInvocationOutputCompletionNotificationMessage.newBuilder().setCompletionId(completionId);
        Target target = targetId.equals(waiterId) ? null : target(targetId);
        if (targetId.equals(waiterId) || target != null && !target.completed()) {
            answer.setVoid(Void.getDefaultInstance());
        } else if (target == null) {
            answer.setFailure(CallResults.failure(unknown(targetId)));
        } else if (target.succeeded()) {
            answer.setValue(CallResults.value(target.result()));
        } else {
            answer.setFailure(CallResults.failure(target.failure()));
        }
        owe(waiterId, JournalEntry.of(Frame.of(MessageType.GET_INVOCATION_OUTPUT_COMPLETION_NOTIFICATION.code,
                answer.build().toByteArray())), now);
    }

    private Target target(String targetId) {
        return jdbc.query(TARGET, (row, n) -> new Target(row.getBoolean(1), row.getBoolean(2), row.getBytes(3),
                row.getString(4)), targetId).stream().findFirst().orElse(null);
    }

    private static String unknown(String targetId) {
        return "no invocation " + targetId + " is known to Ferry (never created, or past its retention)";
    }

    private void owe(String waiterId, JournalEntry notification, Instant now) {
        jdbc.update("insert into invocation_completions (invocation_id, due_at, frame, created_at) values (?, ?, ?, ?)",
                waiterId, Timestamp.from(now), notification.rawFrame(), Timestamp.from(now));
    }
}
