package dev.ferry.restate;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.service.ServiceNotFound;
import dev.ferry.service.ServiceRegistry;
import dev.ferry.shared.JsonValues;

/** {@code GET /services/{service}/state/{key}}: the state of one virtual object (or workflow) of an SDK service. */
@RestController
@Tag(name = "services")
class ObjectStateController {

    private final StateStore states;
    private final ServiceRegistry services;
    private final JsonMapper json;

    ObjectStateController(StateStore states, ServiceRegistry services, JsonMapper json) {
        this.states = states;
        this.services = services;
        this.json = json;
    }

    /** An object's state: each state key with its value as JSON where it is JSON, as base64 otherwise. */
    record ObjectState(String service, String key, List<Entry> state) {
    }

    /** One state key; exactly one of {@code json} and {@code base64} is set. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Entry(String key, JsonNode json, String base64, int size) {
    }

    @GetMapping("/services/{service}/state/{key}")
    @Operation(operationId = "get_object_state",
            summary = "Read an object's state", description = "The state a Restate SDK virtual object or workflow"
            + " keeps under this key, by state key in key order; empty when it has none. Values that are JSON come"
            + " as JSON, others as base64.")
    ObjectState get(@PathVariable String service, @PathVariable String key) {
        if (!services.exists(service)) {
            throw ServiceNotFound.of(service);
        }
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, byte[]> entry : states.load(service, key).entrySet()) {
            byte[] value = entry.getValue();
            entries.add(value.length > 0 && JsonValues.isSingleValue(json, value)
                    ? new Entry(entry.getKey(), json.readTree(value), null, value.length)
                    : new Entry(entry.getKey(), null, Base64.getEncoder().encodeToString(value), value.length));
        }
        return new ObjectState(service, key, entries);
    }
}
