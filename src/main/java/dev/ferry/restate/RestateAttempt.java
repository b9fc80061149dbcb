package dev.ferry.restate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.google.protobuf.InvalidProtocolBufferException;

import dev.ferry.restate.AttemptEnding.Behavior;
import dev.ferry.restate.AttemptEnding.Failed;
import dev.ferry.restate.AttemptEnding.Kind;
import dev.ferry.restate.wire.ServiceProtocol.AttachInvocationCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.CallCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.CallInvocationIdCompletionNotificationMessage;
import dev.ferry.restate.wire.ServiceProtocol.ClearStateCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.CompleteAwakeableCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.ErrorMessage;
import dev.ferry.restate.wire.ServiceProtocol.Failure;
import dev.ferry.restate.wire.ServiceProtocol.GetInvocationOutputCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.Header;
import dev.ferry.restate.wire.ServiceProtocol.OneWayCallCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.OutputCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.ProposeRunCompletionMessage;
import dev.ferry.restate.wire.ServiceProtocol.RunCompletionNotificationMessage;
import dev.ferry.restate.wire.ServiceProtocol.SendSignalCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.SetStateCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.SleepCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.SleepCompletionNotificationMessage;
import dev.ferry.restate.wire.ServiceProtocol.Value;
import dev.ferry.restate.wire.ServiceProtocol.Void;
import dev.ferry.shared.Ids;

/**
 * One attempt of an SDK invocation in request/response mode, without any I/O: {@link #requestBody()} is what to
 * send, each frame of the answer goes to {@link #accept}, and {@link #result()} says what to store and how the
 * attempt ended. The transport ({@link ServiceProtocolClient}) and the storage ({@link JournalStore}) are apart,
 * so the protocol decisions can be tested frame by frame.
 *
 * <p>Not thread-safe: one attempt is fed from one response stream.
 */
public final class RestateAttempt {

    private final AttemptRequest request;
    private final List<JournalEntry> journal;
    private final List<JournalEntry> ferryEntries = new ArrayList<>();
    private final List<JournalEntry> newEntries = new ArrayList<>();
    private final List<StateChange> changes = new ArrayList<>();
    private final List<PendingCompletion> completions = new ArrayList<>();
    private final List<OutgoingCall> calls = new ArrayList<>();
    private final Map<String, byte[]> state;
    private final Set<Integer> produced = new HashSet<>();
    private final LazyStateAnswers lazy;
    private OutputCommandMessage output;
    private AttemptEnding ending;

    private RestateAttempt(AttemptRequest request) {
        this.request = request;
        this.state = new LinkedHashMap<>(request.state());
        this.lazy = new LazyStateAnswers(state);
        List<JournalEntry> replay = new ArrayList<>(request.journal());
        if (replay.isEmpty()) {
            JournalEntry input = StartRequest.inputCommand(request);
            replay.add(input);
            ferryEntries.add(input);
        }
        this.journal = List.copyOf(replay);
    }

    /** An attempt of this request. */
    public static RestateAttempt of(AttemptRequest request) {
        return new RestateAttempt(request);
    }

    /** The request body: the start message, then every journal entry (with a new input command if none). */
    public byte[] requestBody() {
        return StartRequest.body(request, journal);
    }

    /** How many entries the request replays ({@code known_entries}). */
    public int replayedEntries() {
        return journal.size();
    }

    /** Whether the attempt has ended; frames after that are ignored. */
    public boolean ended() {
        return ending != null;
    }

    /**
     * Takes the next frame of the answer.
     *
     * @return true when the attempt has ended and no further frame is needed
     */
    public boolean accept(Frame frame) {
        if (ending == null) {
            try {
                interpret(frame);
            } catch (InvalidProtocolBufferException e) {
                violation("could not read a " + MessageType.nameOf(frame.type()) + ": " + e.getMessage());
            }
        }
        return ending != null;
    }

    /** What the attempt produced; an answer that stopped before its end counts as cut short. */
    public AttemptResult result() {
        if (ending == null) {
            return failed(Kind.STREAM_CUT, 0, "the deployment closed the response without End, Suspension or Error");
        }
        return new AttemptResult(entries(), changes, ending, completions, calls);
    }

    /**
     * The attempt failed outside the protocol (no answer, a bad status, a limit): the whole frames received so
     * far are kept, as a runtime that stores entries as they arrive would have.
     */
    public AttemptResult failed(Kind kind, int code, String message) {
        if (ending == null) {
            ending = new Failed(kind, code, message, null, Behavior.RETRY);
        }
        return new AttemptResult(entries(), changes, ending, completions, calls);
    }

    private List<JournalEntry> entries() {
        List<JournalEntry> all = new ArrayList<>(ferryEntries);
        all.addAll(newEntries);
        return all;
    }

    private void interpret(Frame frame) throws InvalidProtocolBufferException {
        int type = frame.type();
        if (MessageType.isCustomCommand(type)) {
            keep(frame);
        } else if (MessageType.isNotification(type)) {
            violation("the SDK sent a notification (" + MessageType.nameOf(type) + "), which only the runtime sends");
        } else if (MessageType.isCommand(type)) {
            command(frame);
        } else {
            control(frame);
        }
    }

    private void control(Frame frame) throws InvalidProtocolBufferException {
        MessageType type = MessageType.of(frame.type());
        if (type == MessageType.PROPOSE_RUN_COMPLETION) {
            proposeRunCompletion(ProposeRunCompletionMessage.parseFrom(frame.rawBody()));
        } else if (type == MessageType.AWAITING_ON) {
            // a hint for observability only
        } else if (type == MessageType.END) {
            end();
        } else if (type == MessageType.SUSPENSION) {
            ending = Suspensions.of(frame.rawBody(), produced);
        } else if (type == MessageType.ERROR) {
            ending = error(ErrorMessage.parseFrom(frame.rawBody()));
        } else {
            violation("the SDK sent an unexpected " + MessageType.nameOf(frame.type()));
        }
    }

    private void command(Frame frame) throws InvalidProtocolBufferException {
        MessageType type = MessageType.of(frame.type());
        if (type == null || type.unsupportedFeature != null) {
            String name = MessageType.nameOf(frame.type());
            String feature = type == null ? "the command " + name : type.unsupportedFeature;
            ending = new AttemptEnding.Unsupported(name, feature + " is not supported yet (" + name + ")");
            return;
        }
        switch (type) {
            case OUTPUT_COMMAND -> {
                output = OutputCommandMessage.parseFrom(frame.rawBody());
                keep(frame);
            }
            case SET_STATE_COMMAND -> {
                SetStateCommandMessage set = SetStateCommandMessage.parseFrom(frame.rawBody());
                write(frame,
                        new StateChange.Set(set.getKey().toStringUtf8(), set.getValue().getContent().toByteArray()));
            }
            case CLEAR_STATE_COMMAND -> write(frame,
                    new StateChange.Clear(ClearStateCommandMessage.parseFrom(frame.rawBody()).getKey().toStringUtf8()));
            case CLEAR_ALL_STATE_COMMAND -> write(frame, new StateChange.ClearAll());
            case GET_LAZY_STATE_COMMAND, GET_LAZY_STATE_KEYS_COMMAND -> {
                keep(frame);
                Frame answer = lazy.answer(frame);
                produced.add(LazyStateAnswers.completionId(answer));
                keep(answer);
            }
            case GET_EAGER_STATE_COMMAND, GET_EAGER_STATE_KEYS_COMMAND, RUN_COMMAND -> keep(frame);
            // applied to the workflow's promises when stored (WorkflowPromises), which answers them
            case GET_PROMISE_COMMAND, PEEK_PROMISE_COMMAND, COMPLETE_PROMISE_COMMAND -> promise(frame, type);
            case SLEEP_COMMAND -> sleep(frame, SleepCommandMessage.parseFrom(frame.rawBody()));
            case COMPLETE_AWAKEABLE_COMMAND -> completeAwakeable(frame,
                    CompleteAwakeableCommandMessage.parseFrom(frame.rawBody()));
            case SEND_SIGNAL_COMMAND -> sendSignal(frame, SendSignalCommandMessage.parseFrom(frame.rawBody()));
            case ONE_WAY_CALL_COMMAND -> {
                OneWayCallCommandMessage send = OneWayCallCommandMessage.parseFrom(frame.rawBody());
                call(frame, send.getInvocationIdNotificationIdx(), new OutgoingCall(Ids.next("inv_", Instant.now()),
                        send.getServiceName(), send.getHandlerName(), send.getKey(), send.getParameter().toByteArray(),
                        headers(send.getHeadersList()), send.getInvokeTime() > 0
                                ? Instant.ofEpochMilli(send.getInvokeTime()) : null,
                        send.hasIdempotencyKey() ? send.getIdempotencyKey() : null, null));
            }
            case CALL_COMMAND -> {
                CallCommandMessage call = CallCommandMessage.parseFrom(frame.rawBody());
                call(frame, call.getInvocationIdNotificationIdx(), new OutgoingCall(Ids.next("inv_", Instant.now()),
                        call.getServiceName(), call.getHandlerName(), call.getKey(), call.getParameter().toByteArray(),
                        headers(call.getHeadersList()), null,
                        call.hasIdempotencyKey() ? call.getIdempotencyKey() : null, call.getResultCompletionId()));
            }
            case ATTACH_INVOCATION_COMMAND -> lookup(frame,
                    AttachInvocationCommandMessage.parseFrom(frame.rawBody()).hasInvocationId());
            case GET_INVOCATION_OUTPUT_COMMAND -> lookup(frame,
                    GetInvocationOutputCommandMessage.parseFrom(frame.rawBody()).hasInvocationId());
            case INPUT_COMMAND -> violation("the SDK sent an InputCommand, which only the runtime writes");
            default -> violation("the SDK sent an unexpected " + MessageType.nameOf(frame.type()));
        }
    }

    private void write(Frame frame, StateChange change) {
        if (!request.kind().mayWriteState()) {
            violation("the " + request.kind().name().toLowerCase(Locale.ROOT) + " handler "
                    + request.service() + "/" + request.handler() + " tried to change state ("
                    + MessageType.nameOf(frame.type()) + "); only exclusive handlers may");
            return;
        }
        keep(frame);
        changes.add(change);
        change.applyTo(state);
    }

    /**
     * A call or a send: the command is kept with the callee's invocation id notification after it (the callee is
     * created when the entries are stored), so a handler awaiting the id goes on at once.
     */
    private void call(Frame frame, int invocationIdNotification, OutgoingCall call) {
        keep(frame);
        keep(Frame.of(MessageType.CALL_INVOCATION_ID_COMPLETION_NOTIFICATION.code,
                CallInvocationIdCompletionNotificationMessage.newBuilder().setCompletionId(invocationIdNotification)
                        .setInvocationId(call.calleeId()).build().toByteArray()));
        produced.add(invocationIdNotification);
        calls.add(call);
    }

    private static List<AttemptRequest.Header> headers(List<Header> headers) {
        return headers.stream().map(header -> new AttemptRequest.Header(header.getKey(), header.getValue())).toList();
    }

    /**
     * {@code ctx.resolveAwakeable}/{@code rejectAwakeable}: the command is kept, and the signal is owed to the
     * waiting invocation; an id that is no awakeable's is a terminal failure of the handler's own making, as in
     * Restate, and so is reported as a protocol violation.
     */
    private void completeAwakeable(Frame frame, CompleteAwakeableCommandMessage complete) {
        Awakeables.Awakeable awakeable = Awakeables.decode(complete.getAwakeableId()).orElse(null);
        if (awakeable == null) {
            violation("the handler completed '" + complete.getAwakeableId() + "', which is not an awakeable id");
            return;
        }
        keep(frame);
        byte[] value = complete.hasValue() ? complete.getValue().getContent().toByteArray() : null;
        String failure = complete.hasFailure() ? complete.getFailure().getMessage() : null;
        completions.add(new PendingCompletion(Instant.now(), Awakeables.notification(awakeable.signal(), value,
                failure), awakeable.invocationId()));
    }

    /**
     * A signal to another invocation ({@code ctx.cancel}, the SDK cancelling the calls of a cancelled handler, and
     * {@code ctx.invocation(id).signal(name).resolve/reject}): owed to that invocation as it is.
     */
    private void sendSignal(Frame frame, SendSignalCommandMessage signal) {
        keep(frame);
        byte[] value = signal.hasValue() ? signal.getValue().getContent().toByteArray() : null;
        String failure = signal.hasFailure() ? signal.getFailure().getMessage() : null;
        JournalEntry notification;
        if (signal.hasName()) {
            notification = Awakeables.named(signal.getName(), value, failure);
        } else {
            notification = signal.getIdx() == Awakeables.CANCEL ? Awakeables.cancellation()
                    : Awakeables.notification(signal.getIdx(), value, failure);
        }
        completions.add(new PendingCompletion(Instant.now(), notification, signal.getTargetInvocationId()));
    }

    /**
     * {@code ctx.attach} or reading another invocation's output: the command is kept, and answered (or the attach
     * registered) when it is stored ({@link Attachments}). Only an invocation id target is run.
     */
    private void lookup(Frame frame, boolean byInvocationId) {
        if (!byInvocationId) {
            String name = MessageType.nameOf(frame.type());
            ending = new AttemptEnding.Unsupported(name, "targeting an idempotent request or a workflow by key"
                    + " is not supported yet (" + name + ")");
            return;
        }
        keep(frame);
    }

    /** A promise command: kept, read first, so that storing it cannot fail; only workflows have promises. */
    private void promise(Frame frame, MessageType type) throws InvalidProtocolBufferException {
        WorkflowPromises.check(type, frame.rawBody());
        if (request.kind() == HandlerKind.STATELESS) {
            violation("the service handler " + request.service() + "/" + request.handler() + " used a durable"
                    + " promise (" + MessageType.nameOf(frame.type()) + "); only workflows have promises");
            return;
        }
        keep(frame);
    }

    /** A sleep: the command is kept, and its completion is owed at the wake-up time. */
    private void sleep(Frame frame, SleepCommandMessage sleep) {
        keep(frame);
        SleepCompletionNotificationMessage notification = SleepCompletionNotificationMessage.newBuilder()
                .setCompletionId(sleep.getResultCompletionId()).setVoid(Void.getDefaultInstance()).build();
        completions.add(new PendingCompletion(Instant.ofEpochMilli(sleep.getWakeUpTime()), JournalEntry.of(
                Frame.of(MessageType.SLEEP_COMPLETION_NOTIFICATION.code, notification.toByteArray()))));
    }

    private void proposeRunCompletion(ProposeRunCompletionMessage proposal) {
        RunCompletionNotificationMessage.Builder notification = RunCompletionNotificationMessage.newBuilder()
                .setCompletionId(proposal.getResultCompletionId());
        if (proposal.hasFailure()) {
            notification.setFailure(proposal.getFailure());
        } else {
            notification.setValue(Value.newBuilder().setContent(proposal.getValue()));
        }
        produced.add(proposal.getResultCompletionId());
        keep(Frame.of(MessageType.RUN_COMPLETION_NOTIFICATION.code, notification.build().toByteArray()));
    }

    private void end() {
        if (output == null) {
            violation("the SDK ended the invocation without an output command");
        } else if (output.hasFailure()) {
            Failure failure = output.getFailure();
            ending = new AttemptEnding.TerminalFailure(failure.getCode(), failure.getMessage());
        } else {
            ending = new AttemptEnding.Output(output.getValue().getContent().toByteArray());
        }
    }

    private static Failed error(ErrorMessage error) {
        Kind kind = switch (error.getCode()) {
            case 570 -> Kind.JOURNAL_MISMATCH;
            case 571 -> Kind.PROTOCOL_VIOLATION;
            default -> Kind.HANDLER_ERROR;
        };
        StringBuilder message = new StringBuilder(error.getMessage());
        if (error.hasRelatedCommandIndex() || error.hasRelatedCommandName()) {
            message.append(" (at command ");
            if (error.hasRelatedCommandIndex()) {
                message.append('#').append(error.getRelatedCommandIndex());
            }
            if (error.hasRelatedCommandType()) {
                message.append(' ').append(MessageType.nameOf(error.getRelatedCommandType()));
            }
            if (error.hasRelatedCommandName() && !error.getRelatedCommandName().isEmpty()) {
                message.append(" \"").append(error.getRelatedCommandName()).append('"');
            }
            message.append(')');
        }
        Duration delay = error.hasNextRetryDelay() ? Duration.ofMillis(error.getNextRetryDelay()) : null;
        Behavior behavior = switch (error.getBehavior()) {
            case 1 -> Behavior.PAUSE;
            case 2 -> Behavior.FAIL;
            default -> Behavior.RETRY;
        };
        return new Failed(kind, error.getCode(), message.toString(), delay, behavior);
    }

    /** A violation found by Ferry: nothing the SDK sent in this attempt is kept. */
    private void violation(String message) {
        newEntries.clear();
        changes.clear();
        completions.clear();
        calls.clear();
        ending = new Failed(Kind.PROTOCOL_VIOLATION, 571, message, null, Behavior.RETRY);
    }

    private void keep(Frame frame) {
        newEntries.add(JournalEntry.of(frame));
    }

}
