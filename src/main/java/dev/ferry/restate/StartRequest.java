package dev.ferry.restate;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;

import dev.ferry.restate.wire.ServiceProtocol.Header;
import dev.ferry.restate.wire.ServiceProtocol.InputCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.StartMessage;
import dev.ferry.restate.wire.ServiceProtocol.Value;

/** The body Ferry writes in request/response mode: the start message, then the whole journal. */
final class StartRequest {

    private StartRequest() {
    }

    /** The input command that opens a new journal. */
    static JournalEntry inputCommand(AttemptRequest request) {
        InputCommandMessage.Builder input = InputCommandMessage.newBuilder()
                .setValue(Value.newBuilder().setContent(UnsafeByteOperations.unsafeWrap(request.rawInput())));
        for (AttemptRequest.Header header : request.headers()) {
            input.addHeaders(Header.newBuilder().setKey(header.key()).setValue(header.value()));
        }
        return JournalEntry.of(MessageType.INPUT_COMMAND.code, input.build());
    }

    static StartMessage startMessage(AttemptRequest request, int knownEntries) {
        StartMessage.Builder start = StartMessage.newBuilder()
                .setId(ByteString.copyFrom(request.identity().id()))
                .setDebugId(request.identity().debugId())
                .setKnownEntries(knownEntries)
                .setKey(request.key())
                .setPartialState(request.lazyState())
                .setRetryCountSinceLastStoredEntry(request.retry().count())
                .setDurationSinceLastStoredEntry(request.retry().duration().toMillis())
                .setRandomSeed(request.randomSeed());
        if (!request.lazyState() && request.kind() != HandlerKind.STATELESS) {
            for (Map.Entry<String, byte[]> entry : request.state().entrySet()) {
                start.addStateMap(StartMessage.StateEntry.newBuilder()
                        .setKey(ByteString.copyFrom(entry.getKey(), StandardCharsets.UTF_8))
                        .setValue(ByteString.copyFrom(entry.getValue())));
            }
        }
        return start.build();
    }

    /** The start frame followed by every journal entry's frame. */
    static byte[] body(AttemptRequest request, List<JournalEntry> journal) {
        Frame start = Frame.of(MessageType.START.code, startMessage(request, journal.size()).toByteArray());
        int size = start.size();
        List<byte[]> frames = new ArrayList<>(journal.size());
        for (JournalEntry entry : journal) {
            byte[] frame = entry.rawFrame();
            frames.add(frame);
            size += frame.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        start.writeTo(out);
        frames.forEach(out::put);
        return out.array();
    }
}
