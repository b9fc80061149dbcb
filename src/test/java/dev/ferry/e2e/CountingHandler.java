package dev.ferry.e2e;

import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.ferry.testsupport.HandlerServer;

/**
 * A stateful plain HTTP handler with the state envelope, as a user would write it in Java: the balance of each
 * account is its state, every deposit adds its amount, and the output names the deposit and the new balance.
 */
final class CountingHandler {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private CountingHandler() {
    }

    static HandlerServer.Response deposit(HandlerServer.Received request) {
        JsonNode envelope = JSON.readTree(request.body());
        long balance = envelope.path("state").path("balance").asLong(0);
        JsonNode input = envelope.path("input");
        balance += input.path("amount").asLong();
        ObjectNode answer = JSON.createObjectNode();
        answer.putObject("output").put("account", envelope.path("key").asString())
                .put("seq", input.path("seq").asLong()).put("balance", balance);
        answer.putObject("state").putObject("set").put("balance", balance);
        return new HandlerServer.Response(200, JSON.writeValueAsString(answer),
                Map.of("content-type", "application/json"));
    }
}
