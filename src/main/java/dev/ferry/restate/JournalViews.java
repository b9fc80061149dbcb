package dev.ferry.restate;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import org.springframework.stereotype.Component;

import dev.ferry.invocation.InvocationDetails;
import dev.ferry.invocation.InvocationJournals;
import dev.ferry.restate.wire.ServiceProtocol.ClearStateCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.Failure;
import dev.ferry.restate.wire.ServiceProtocol.GetEagerStateCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.GetLazyStateCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.GetLazyStateCompletionNotificationMessage;
import dev.ferry.restate.wire.ServiceProtocol.InputCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.OutputCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.RunCompletionNotificationMessage;
import dev.ferry.restate.wire.ServiceProtocol.SetStateCommandMessage;

/**
 * Shows an SDK invocation's journal: each entry's index, type, name and a short excerpt of what it holds (values
 * as UTF-8 text, or base64 when they are not text, cut at {@value #EXCERPT} characters).
 */
@Component
class JournalViews implements InvocationJournals {

    static final int EXCERPT = 120;

    private final JournalStore journals;

    JournalViews(JournalStore journals) {
        this.journals = journals;
    }

    @Override
    public List<InvocationDetails.JournalEntry> journal(String invocationId) {
        List<JournalEntry> entries = journals.load(invocationId);
        List<InvocationDetails.JournalEntry> views = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            JournalEntry entry = entries.get(i);
            views.add(new InvocationDetails.JournalEntry(i, entry.typeName(), entry.name().isEmpty() ? null
                    : entry.name(), excerpt(entry)));
        }
        return views;
    }

    /** A short text of what an entry holds, or null for an entry that holds nothing worth showing. */
    static String excerpt(JournalEntry entry) {
        MessageType type = MessageType.of(entry.type());
        if (type == null) {
            return null;
        }
        byte[] body = entry.toFrame().rawBody();
        try {
            return switch (type) {
                case INPUT_COMMAND -> value(InputCommandMessage.parseFrom(body).getValue().getContent());
                case OUTPUT_COMMAND -> {
                    OutputCommandMessage output = OutputCommandMessage.parseFrom(body);
                    yield output.hasFailure() ? failure(output.getFailure()) : value(output.getValue().getContent());
                }
                case SET_STATE_COMMAND -> {
                    SetStateCommandMessage set = SetStateCommandMessage.parseFrom(body);
                    yield cut(set.getKey().toStringUtf8() + " = " + value(set.getValue().getContent()));
                }
                case GET_EAGER_STATE_COMMAND -> {
                    GetEagerStateCommandMessage get = GetEagerStateCommandMessage.parseFrom(body);
                    yield cut(get.getKey().toStringUtf8() + " = "
                            + (get.hasValue() ? value(get.getValue().getContent()) : "(none)"));
                }
                case GET_LAZY_STATE_COMMAND -> GetLazyStateCommandMessage.parseFrom(body).getKey().toStringUtf8();
                case CLEAR_STATE_COMMAND -> ClearStateCommandMessage.parseFrom(body).getKey().toStringUtf8();
                case GET_LAZY_STATE_COMPLETION_NOTIFICATION -> {
                    GetLazyStateCompletionNotificationMessage read =
                            GetLazyStateCompletionNotificationMessage.parseFrom(body);
                    yield read.hasValue() ? value(read.getValue().getContent()) : "(none)";
                }
                case RUN_COMPLETION_NOTIFICATION -> {
                    RunCompletionNotificationMessage run = RunCompletionNotificationMessage.parseFrom(body);
                    yield run.hasFailure() ? failure(run.getFailure()) : value(run.getValue().getContent());
                }
                default -> null;
            };
        } catch (InvalidProtocolBufferException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static String failure(Failure failure) {
        return cut("failure " + failure.getCode() + ": " + failure.getMessage());
    }

    private static String value(ByteString content) {
        byte[] bytes = content.toByteArray();
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            return cut(text);
        } catch (CharacterCodingException e) {
            return cut("base64:" + Base64.getEncoder().encodeToString(bytes));
        }
    }

    private static String cut(String text) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() <= EXCERPT ? flat : flat.substring(0, EXCERPT) + "…";
    }
}
