package dev.ferry.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.invocation.ClaimedInvocation;
import dev.ferry.invocation.FailureReason;
import dev.ferry.service.InputFormat;

class StateEnvelopeTest {

    private final StateEnvelope envelope = new StateEnvelope(JsonMapper.builder().build(), 64);

    @Test
    void sendsTheKeyTheInputAndTheStateAsOneJsonObject() {
        Map<String, byte[]> state = new LinkedHashMap<>();
        state.put("balance", bytes("12"));
        state.put("owner", bytes("{\"name\":\"ann\"}"));

        assertThat(text(envelope.request(invocation("acct \"1\"", "{\"amount\":5}"), InputFormat.JSON, state)))
                .isEqualTo("{\"key\":\"acct \\\"1\\\"\",\"input\":{\"amount\":5},\"state\":{\"balance\":12,"
                        + "\"owner\":{\"name\":\"ann\"}}}");
        assertThat(text(envelope.request(invocation("k", "hi"), InputFormat.RAW, Map.of())))
                .isEqualTo("{\"key\":\"k\",\"input_base64\":\"aGk=\",\"state\":{}}");
        assertThat(text(envelope.request(invocation("k", null), InputFormat.JSON, Map.of())))
                .isEqualTo("{\"key\":\"k\",\"input\":null,\"state\":{}}");
        assertThat(envelope.request(invocation("k", "{}"), InputFormat.JSON, Map.of("raw", new byte[] {1, 2})))
                .as("a value an SDK stored as bytes cannot travel as JSON").isNull();
    }

    @Test
    void readsTheOutputAndTheStateChanges() {
        StateEnvelope.Answer answer = envelope.read(bytes("""
                {"output": {"ok": true}, "state": {"set": {"balance": 17}, "clear": ["note"], "clear_all": false}}"""),
                true, Map.of("note", bytes("\"x\"")));

        assertThat(answer.result()).isInstanceOfSatisfying(CallResult.Success.class, success -> {
            assertThat(text(success.body())).isEqualTo("{\"ok\":true}");
            assertThat(success.contentType()).isEqualTo("application/json");
        });
        assertThat(answer.changes().clearAll()).isFalse();
        assertThat(answer.changes().clear()).containsExactly("note");
        assertThat(text(answer.changes().set().get("balance"))).isEqualTo("17");
        assertThat(envelope.read(bytes("{\"output\": null}"), false, Map.of()).changes().isEmpty()).isTrue();
    }

    @Test
    void failsEveryMalformedAnswerWithWhatWasWrong() {
        assertThat(failure("not json", true)).isEqualTo("malformed state envelope answer: the body is not JSON:"
                + " not json");
        assertThat(failure("", true)).isEqualTo("malformed state envelope answer: the body is empty; answer a JSON"
                + " object with 'output'");
        assertThat(failure("[1]", true)).endsWith("the body is not a JSON object: [1]");
        assertThat(failure("{\"state\":{}}", true)).endsWith("it has no 'output' (answer {\"output\": null} for none)");
        assertThat(failure("{\"output\":1,\"extra\":2}", true)).endsWith("it has an unknown field 'extra';"
                + " an answer holds 'output' and 'state'");
        assertThat(failure("{\"output\":1,\"state\":[]}", true)).endsWith("'state' is not an object of 'set',"
                + " 'clear' and 'clear_all'");
        assertThat(failure("{\"output\":1,\"state\":{\"put\":{}}}", true)).endsWith("'state' has an unknown field"
                + " 'put'; it holds 'set', 'clear' and 'clear_all'");
        assertThat(failure("{\"output\":1,\"state\":{\"set\":[1]}}", true)).endsWith("'state.set' is not an object"
                + " of names to JSON values");
        assertThat(failure("{\"output\":1,\"state\":{\"clear\":\"a\"}}", true)).endsWith("'state.clear' is not an"
                + " array of names");
        assertThat(failure("{\"output\":1,\"state\":{\"clear\":[1]}}", true)).endsWith("'state.clear' holds 1, not"
                + " a name (a string)");
        assertThat(failure("{\"output\":1,\"state\":{\"clear_all\":\"yes\"}}", true)).endsWith("'state.clear_all'"
                + " is not true or false");
        assertThat(failure("{\"output\":1,\"state\":{\"set\":{\"a\":1}}}", false)).endsWith("a shared handler reads"
                + " the object's state but may not change it: answer without 'state', or make the handler EXCLUSIVE");
    }

    @Test
    void refusesAValueOrAWholeStateOverTheLimitAsStateTooLarge() {
        CallResult value = envelope.read(bytes("{\"output\":1,\"state\":{\"set\":{\"blob\":\"%s\"}}}"
                .formatted("x".repeat(70))), true, Map.of()).result();
        assertThat(value).isEqualTo(new CallResult.Terminal("state-too-large: value 'blob' holds 72 bytes, more than"
                + " ferry.state.max-size (64 bytes); nothing was changed", FailureReason.STATE_TOO_LARGE));

        Map<String, byte[]> current = Map.of("a", bytes("\"%s\"".formatted("y".repeat(40))));
        CallResult whole = envelope.read(bytes("{\"output\":1,\"state\":{\"set\":{\"b\":\"%s\"}}}"
                .formatted("z".repeat(20))), true, current).result();
        assertThat(whole).isInstanceOfSatisfying(CallResult.Terminal.class, terminal -> {
            assertThat(terminal.reason()).isEqualTo(FailureReason.STATE_TOO_LARGE);
            assertThat(terminal.failure()).startsWith("state-too-large: the object's state would hold 66 bytes");
        });
        assertThat(envelope.read(bytes("{\"output\":1,\"state\":{\"clear_all\":true,\"set\":{\"b\":\"%s\"}}}"
                .formatted("z".repeat(20))), true, current).result())
                .as("clearing first makes room").isInstanceOf(CallResult.Success.class);
    }

    private String failure(String body, boolean exclusive) {
        CallResult result = envelope.read(bytes(body), exclusive, Map.of()).result();
        assertThat(result).isInstanceOf(CallResult.Terminal.class);
        return ((CallResult.Terminal) result).failure();
    }

    private static ClaimedInvocation invocation(String key, String input) {
        return new ClaimedInvocation("inv_1", "Ledger", "deposit", key, true, input == null ? null : bytes(input),
                List.of(), null, 1);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
