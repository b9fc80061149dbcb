package dev.ferry.restate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import org.junit.jupiter.api.Test;

import dev.ferry.restate.AttemptEnding.Failed;
import dev.ferry.restate.AttemptEnding.Kind;
import dev.ferry.restate.AttemptEnding.Suspended;
import dev.ferry.restate.wire.ServiceProtocol.AttachInvocationCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.ErrorMessage;
import dev.ferry.restate.wire.ServiceProtocol.Failure;
import dev.ferry.restate.wire.ServiceProtocol.Future;
import dev.ferry.restate.wire.ServiceProtocol.GetInvocationOutputCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.GetLazyStateCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.GetLazyStateCompletionNotificationMessage;
import dev.ferry.restate.wire.ServiceProtocol.GetPromiseCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.InputCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.NamedCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.OneWayCallCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.SendSignalCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.SetStateCommandMessage;
import dev.ferry.restate.wire.ServiceProtocol.SignalNotificationMessage;
import dev.ferry.restate.wire.ServiceProtocol.StartMessage;
import dev.ferry.restate.wire.ServiceProtocol.SuspensionMessage;
import dev.ferry.restate.wire.ServiceProtocol.Value;
import dev.ferry.shared.Ids;

/** The protocol decisions of one attempt, frame by frame, without a deployment. */
class RestateAttemptTest {

    @Test
    void aFirstAttemptWritesTheInputCommandWithItsHeadersAsEntryZero() throws Exception {
        RestateAttempt attempt = RestateAttempt.of(request(HandlerKind.STATELESS, List.of()));

        ByteBuffer body = ByteBuffer.wrap(attempt.requestBody());
        Frame start = next(body);
        Frame input = next(body);

        assertThat(StartMessage.parseFrom(start.body()).getKnownEntries()).isEqualTo(1);
        InputCommandMessage command = InputCommandMessage.parseFrom(input.body());
        assertThat(command.getValue().getContent().toStringUtf8()).isEqualTo("10");
        assertThat(command.getHeadersList()).extracting(h -> h.getKey() + "=" + h.getValue())
                .containsExactly("restate.subscription.id=sub_1", "kafka.offset=4");
        assertThat(body.hasRemaining()).isFalse();
        assertThat(attempt.result().newEntries()).extracting(JournalEntry::typeName).containsExactly("InputCommand");
    }

    @Test
    void aSharedHandlerThatWritesStateIsAProtocolViolationAndKeepsNothingOfTheSdks() {
        RestateAttempt attempt = RestateAttempt.of(request(HandlerKind.SHARED, List.of()));

        attempt.accept(command(0x0407, NamedCommandMessage.getDefaultInstance()));
        attempt.accept(setState("balance", "1"));

        AttemptResult result = attempt.result();
        assertThat(result.ending()).isInstanceOfSatisfying(Failed.class, failed -> {
            assertThat(failed.kind()).isEqualTo(Kind.PROTOCOL_VIOLATION);
            assertThat(failed.describe()).isEqualTo("protocol violation (571): the shared handler Account/deposit "
                    + "tried to change state (SetStateCommand); only exclusive handlers may");
        });
        assertThat(result.newEntries()).extracting(JournalEntry::typeName).containsExactly("InputCommand");
        assertThat(result.stateChanges()).isEmpty();
    }

    @Test
    void lazyStateIsNotSentAndEachLazyReadIsAnsweredFromTheStateSeenSoFar() throws Exception {
        AttemptRequest request = lazy(request(HandlerKind.EXCLUSIVE, List.of()));
        RestateAttempt attempt = RestateAttempt.of(request);
        StartMessage start = StartMessage.parseFrom(next(ByteBuffer.wrap(attempt.requestBody())).body());
        assertThat(start.getPartialState()).isTrue();
        assertThat(start.getStateMapList()).isEmpty();

        attempt.accept(setState("balance", "7"));
        attempt.accept(command(0x0402, GetLazyStateCommandMessage.newBuilder()
                .setKey(ByteString.copyFromUtf8("balance")).setResultCompletionId(1).build()));
        attempt.accept(Frame.of(0x0001, SuspensionMessage.newBuilder().addWaitingCompletions(1).build().toByteArray()));

        AttemptResult result = attempt.result();
        assertThat(result.newEntries()).extracting(JournalEntry::typeName).containsExactly("InputCommand",
                "SetStateCommand", "GetLazyStateCommand", "GetLazyStateCompletionNotification");
        GetLazyStateCompletionNotificationMessage answer = GetLazyStateCompletionNotificationMessage
                .parseFrom(Frame.parse(result.newEntries().get(3).frame()).body());
        assertThat(answer.getCompletionId()).isEqualTo(1);
        assertThat(answer.getValue().getContent().toStringUtf8()).isEqualTo("7");
        assertThat(result.ending()).isEqualTo(new Suspended(List.of(1), List.of(), List.of(), true));
    }

    @Test
    void aPromiseCommandOfAWorkflowIsKeptForStorageToAnswerAndAServiceMayNotUseOne() {
        GetPromiseCommandMessage get = GetPromiseCommandMessage.newBuilder().setKey("approval")
                .setResultCompletionId(1).build();
        RestateAttempt workflow = RestateAttempt.of(request(HandlerKind.SHARED, List.of()));
        workflow.accept(command(0x0409, get));
        workflow.accept(Frame.of(0x0001, SuspensionMessage.newBuilder().addWaitingCompletions(1).build()
                .toByteArray()));

        assertThat(workflow.result().newEntries()).extracting(JournalEntry::typeName)
                .containsExactly("InputCommand", "GetPromiseCommand");
        assertThat(workflow.result().ending()).isEqualTo(new Suspended(List.of(1), List.of(), List.of(), false));

        RestateAttempt service = RestateAttempt.of(request(HandlerKind.STATELESS, List.of()));
        service.accept(command(0x0409, get));
        assertThat(service.result().ending()).isInstanceOfSatisfying(Failed.class, failed -> assertThat(
                failed.describe()).contains("only workflows have promises"));
    }

    @Test
    void anUnsupportedCommandKeepsWhatCameBeforeItAndNothingAfter() {
        RestateAttempt attempt = RestateAttempt.of(request(HandlerKind.EXCLUSIVE, List.of()));

        attempt.accept(setState("a", "1"));
        boolean ended = attempt.accept(command(0x0415, NamedCommandMessage.newBuilder().setName("join").build()));
        attempt.accept(setState("b", "2"));

        AttemptResult result = attempt.result();
        assertThat(ended).isTrue();
        assertThat(result.ending()).isEqualTo(new AttemptEnding.Unsupported("Unknown(0x0415)",
                "the command Unknown(0x0415) is not supported yet (Unknown(0x0415))"));
        assertThat(result.newEntries()).extracting(JournalEntry::typeName)
                .containsExactly("InputCommand", "SetStateCommand");
        assertThat(result.stateChanges()).extracting(change -> ((StateChange.Set) change).key()).containsExactly("a");
    }

    @Test
    void aSendKeepsItsCommandWithTheCalleesIdAndAsksForTheCallee() {
        RestateAttempt attempt = RestateAttempt.of(request(HandlerKind.EXCLUSIVE, List.of()));

        attempt.accept(command(0x040E, OneWayCallCommandMessage.newBuilder().setServiceName("Ledger")
                .setHandlerName("record").setKey("main").setParameter(ByteString.copyFromUtf8("5"))
                .setInvokeTime(1_000).setIdempotencyKey("once").setInvocationIdNotificationIdx(3).build()));
        attempt.accept(Frame.of(0x0001, SuspensionMessage.newBuilder().addWaitingCompletions(3).build()
                .toByteArray()));

        AttemptResult result = attempt.result();
        assertThat(result.newEntries()).extracting(JournalEntry::typeName).containsExactly("InputCommand",
                "OneWayCallCommand", "CallInvocationIdCompletionNotification");
        OutgoingCall call = result.calls().getFirst();
        assertThat(call.target()).isEqualTo("Ledger/main/record");
        assertThat(call.invokeAt()).isEqualTo(Instant.ofEpochMilli(1_000));
        assertThat(call.idempotencyKey()).isEqualTo("once");
        assertThat(call.awaitsResult()).isFalse();
        assertThat(new String(call.parameter(), StandardCharsets.UTF_8)).isEqualTo("5");
        assertThat(result.ending()).as("the awaited id is among the new entries")
                .isEqualTo(new Suspended(List.of(3), List.of(), List.of(), true));
    }

    @Test
    void attachAndGetOutputCommandsAreKeptForTheStoreToAnswerAndOtherTargetsAreUnsupported() {
        RestateAttempt attempt = RestateAttempt.of(request(HandlerKind.STATELESS, List.of()));

        attempt.accept(command(0x0412, AttachInvocationCommandMessage.newBuilder().setInvocationId("inv_1")
                .setResultCompletionId(1).build()));
        attempt.accept(command(0x0413, GetInvocationOutputCommandMessage.newBuilder().setInvocationId("inv_1")
                .setResultCompletionId(2).build()));
        attempt.accept(Frame.of(0x0001, SuspensionMessage.newBuilder().addWaitingCompletions(1).build()
                .toByteArray()));

        AttemptResult result = attempt.result();
        assertThat(result.newEntries()).extracting(JournalEntry::typeName).containsExactly("InputCommand",
                "AttachInvocationCommand", "GetInvocationOutputCommand");
        assertThat(result.ending()).as("nothing the attempt produced answers them")
                .isEqualTo(new Suspended(List.of(1), List.of(), List.of(), false));

        RestateAttempt byKey = RestateAttempt.of(request(HandlerKind.STATELESS, List.of()));
        // field 4 is the workflow target, which Ferry's message does not read
        byKey.accept(Frame.of(0x0412, new byte[] {0x22, 0x00, 0x58, 0x01}));
        assertThat(byKey.result().ending()).isEqualTo(new AttemptEnding.Unsupported("AttachInvocationCommand",
                "targeting an idempotent request or a workflow by key is not supported yet"
                        + " (AttachInvocationCommand)"));
    }

    @Test
    void aNamedSignalIsOwedToItsTargetWithItsValueOrFailure() throws Exception {
        RestateAttempt attempt = RestateAttempt.of(request(HandlerKind.STATELESS, List.of()));

        attempt.accept(command(0x0410, SendSignalCommandMessage.newBuilder().setTargetInvocationId("inv_2")
                .setName("go").setValue(Value.newBuilder().setContent(ByteString.copyFromUtf8("\"now\""))).build()));
        attempt.accept(command(0x0410, SendSignalCommandMessage.newBuilder().setTargetInvocationId("inv_3")
                .setName("go").setFailure(Failure.newBuilder().setCode(500).setMessage("no")).build()));

        AttemptResult result = attempt.result();
        assertThat(result.completions()).extracting(PendingCompletion::target).containsExactly("inv_2", "inv_3");
        SignalNotificationMessage resolved = SignalNotificationMessage.parseFrom(Frame.parse(
                result.completions().get(0).notification().frame()).body());
        assertThat(resolved.getName()).isEqualTo("go");
        assertThat(resolved.getValue().getContent().toStringUtf8()).isEqualTo("\"now\"");
        SignalNotificationMessage rejected = SignalNotificationMessage.parseFrom(Frame.parse(
                result.completions().get(1).notification().frame()).body());
        assertThat(rejected.getFailure().getMessage()).isEqualTo("no");
    }

    @Test
    void anAwakeableIdDecodesToTheWaitingInvocationAndItsSignal() {
        String invocation = Ids.next("inv_", Instant.parse("2026-12-01T12:00:00Z"));
        String id = Awakeables.encode(invocation, 17);

        assertThat(id).startsWith("sign_1");
        assertThat(Awakeables.decode(id)).contains(new Awakeables.Awakeable(invocation, 17));
        assertThat(Awakeables.decode("sign_1!!")).isEmpty();
        assertThat(Awakeables.decode("prom_1abc")).isEmpty();
    }

    @Test
    void aVersion7SuspensionOnASignalAloneIsNotReadyNow() {
        RestateAttempt attempt = RestateAttempt.of(request(HandlerKind.STATELESS, List.of()));

        attempt.accept(Frame.of(0x0001, SuspensionMessage.newBuilder().setAwaitingOn(Future.newBuilder()
                .addNestedFutures(Future.newBuilder().addWaitingSignals(17).addWaitingNamedSignals("approved")))
                .build().toByteArray()));

        assertThat(attempt.result().ending())
                .isEqualTo(new Suspended(List.of(), List.of(17), List.of("approved"), false));
    }

    @Test
    void anErrorMessageIsAFailedAttemptWithTheSdksDelayAndTheCommandItNames() {
        RestateAttempt attempt = RestateAttempt.of(request(HandlerKind.STATELESS, List.of()));

        attempt.accept(Frame.of(0x0002, ErrorMessage.newBuilder().setCode(500).setMessage("boom")
                .setRelatedCommandIndex(2).setRelatedCommandType(0x0411).setRelatedCommandName("charge")
                .setNextRetryDelay(250).build().toByteArray()));

        assertThat(attempt.result().ending()).isEqualTo(new Failed(Kind.HANDLER_ERROR, 500,
                "boom (at command #2 RunCommand \"charge\")", Duration.ofMillis(250), AttemptEnding.Behavior.RETRY));
    }

    @Test
    void aResponseWithoutATerminatingMessageIsCutShortAndEndWithoutOutputIsAViolation() {
        RestateAttempt cut = RestateAttempt.of(request(HandlerKind.STATELESS, List.of()));
        cut.accept(command(0x0411, NamedCommandMessage.newBuilder().setName("step").build()));
        assertThat(((Failed) cut.result().ending()).kind()).isEqualTo(Kind.STREAM_CUT);
        assertThat(cut.result().newEntries()).hasSize(2);

        RestateAttempt noOutput = RestateAttempt.of(request(HandlerKind.STATELESS, List.of()));
        noOutput.accept(Frame.of(0x0003, new byte[0]));
        assertThat(((Failed) noOutput.result().ending()).kind()).isEqualTo(Kind.PROTOCOL_VIOLATION);
    }

    @Test
    void aStoredJournalIsReplayedAsItIsWithoutANewInputCommand() {
        List<JournalEntry> stored = List.of(JournalEntry.of(command(0x0400, InputCommandMessage.getDefaultInstance())),
                JournalEntry.of(setState("a", "1")));
        RestateAttempt attempt = RestateAttempt.of(request(HandlerKind.EXCLUSIVE, stored));

        ByteBuffer body = ByteBuffer.wrap(attempt.requestBody());
        next(body);
        assertThat(List.of(JournalEntry.of(next(body)), JournalEntry.of(next(body)))).isEqualTo(stored);
        assertThat(attempt.replayedEntries()).isEqualTo(2);
        assertThat(attempt.result().newEntries()).isEmpty();
    }

    static AttemptRequest request(HandlerKind kind, List<JournalEntry> journal) {
        return new AttemptRequest(InvocationIdentity.of("inv_1"), "Account", "deposit", kind, "alice",
                "10".getBytes(StandardCharsets.UTF_8),
                List.of(new AttemptRequest.Header("restate.subscription.id", "sub_1"),
                        new AttemptRequest.Header("kafka.offset", "4")), journal,
                Map.of("balance", "5".getBytes(StandardCharsets.UTF_8)), false, AttemptRequest.RetryInfo.NONE, 1);
    }

    private static AttemptRequest lazy(AttemptRequest r) {
        return new AttemptRequest(r.identity(), r.service(), r.handler(), r.kind(), r.key(), r.input(), r.headers(),
                r.journal(), r.state(), true, r.retry(), r.randomSeed());
    }

    private static Frame setState(String key, String value) {
        return command(0x0403, SetStateCommandMessage.newBuilder().setKey(ByteString.copyFromUtf8(key))
                .setValue(Value.newBuilder().setContent(ByteString.copyFromUtf8(value))).build());
    }

    private static Frame command(int type, MessageLite message) {
        return Frame.of(type, message.toByteArray());
    }

    private static Frame next(ByteBuffer body) {
        int start = body.position();
        body.position(start + 4);
        int length = body.getInt();
        byte[] frame = new byte[8 + length];
        body.position(start);
        body.get(frame);
        return Frame.parse(frame);
    }
}
