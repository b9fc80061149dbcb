package dev.ferry.restate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.dispatch.StateProperties;
import dev.ferry.service.ServiceNotFound;
import dev.ferry.service.ServiceRegistry;
import dev.ferry.shared.JsonValues;
import dev.ferry.web.InvalidRequest;

/**
 * {@code /services/{service}/state}: the state of virtual objects (and workflows), of Restate SDK services and of
 * plain HTTP handlers with the state envelope alike. Operators list the objects, read, replace and clear one.
 */
@RestController
@Tag(name = "services")
class ObjectStateController {

    private static final int MAX_PAGE = 1000;

    private final StateStore states;
    private final ObjectStateAdmin admin;
    private final ServiceRegistry services;
    private final JsonMapper json;
    private final long maxSize;

    ObjectStateController(StateStore states, ObjectStateAdmin admin, ServiceRegistry services, JsonMapper json,
            StateProperties properties) {
        this.states = states;
        this.admin = admin;
        this.services = services;
        this.json = json;
        this.maxSize = properties.maxSize().toBytes();
    }

    /** An object's state: each state key with its value as JSON where it is JSON, as base64 otherwise. */
    record ObjectState(String service, String key, List<Entry> state) {
    }

    /** One state key; exactly one of {@code json} and {@code base64} is set. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Entry(String key, JsonNode json, String base64, int size) {
    }

    /** The objects of a service that have state, in key order. */
    record ObjectList(String service, List<ObjectSummary> objects, String nextCursor) {
    }

    /** One object: its key, how many state keys it holds, their size in bytes and when one last changed. */
    record ObjectSummary(String key, int stateKeys, long size, Instant modifiedAt) {
    }

    /** A new state: state key to JSON value. */
    record StateRequest(@Schema(description = "State key to JSON value") Map<String, JsonNode> state) {
    }

    @GetMapping("/services/{service}/state")
    @Operation(operationId = "list_object_states",
            summary = "List objects with state", description = "The keys of the objects of this service that"
            + " have state, in key order, with how many state keys and bytes each holds; page with cursor.")
    ObjectList list(@PathVariable String service, @RequestParam(required = false) String cursor,
            @RequestParam(defaultValue = "100") int limit) {
        known(service);
        if (limit < 1 || limit > MAX_PAGE) {
            throw InvalidRequest.of("limit", "limit must be between 1 and %d, not %d.".formatted(MAX_PAGE, limit));
        }
        ObjectStateAdmin.Page page;
        try {
            page = admin.list(service, cursor, limit);
        } catch (IllegalArgumentException e) {
            throw InvalidRequest.of("cursor", "cursor '%s' is not one this API returned; start without it."
                    .formatted(cursor));
        }
        return new ObjectList(service, page.objects().stream().map(object -> new ObjectSummary(object.key(),
                object.names(), object.size(), object.modifiedAt())).toList(), page.nextCursor());
    }

    @GetMapping("/services/{service}/state/{key}")
    @Operation(operationId = "get_object_state",
            summary = "Read an object's state", description = "The state a virtual object or workflow keeps"
            + " under this key, by state key in key order; empty when it has none. Values that are JSON come"
            + " as JSON, others as base64.")
    ObjectState get(@PathVariable String service, @PathVariable String key) {
        known(service);
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, byte[]> entry : states.load(service, key).entrySet()) {
            byte[] value = entry.getValue();
            entries.add(value.length > 0 && JsonValues.isSingleValue(json, value)
                    ? new Entry(entry.getKey(), json.readTree(value), null, value.length)
                    : new Entry(entry.getKey(), null, Base64.getEncoder().encodeToString(value), value.length));
        }
        return new ObjectState(service, key, entries);
    }

    @PutMapping("/services/{service}/state/{key}")
    @Operation(operationId = "set_object_state",
            summary = "Replace an object's state", description = "Sets each state key to its JSON value and"
            + " clears every other (merge=true keeps the others). 409 while an exclusive invocation of the object"
            + " runs; 400 when the state would exceed ferry.state.max-size.")
    ObjectState put(@PathVariable String service, @PathVariable String key, @RequestBody StateRequest request,
            @RequestParam(defaultValue = "false") boolean merge) {
        known(service);
        if (request == null || request.state() == null) {
            throw InvalidRequest.of("state", "Field 'state' is required: an object of state keys to JSON values,"
                    + " e.g. {\"state\": {\"balance\": 0}}.");
        }
        Map<String, byte[]> values = new LinkedHashMap<>();
        request.state().forEach((name, value) -> values.put(name, json.writeValueAsBytes(value)));
        long size = admin.sizeAfter(service, key, values, merge);
        if (size > maxSize) {
            throw InvalidRequest.of("state", "The object's state would hold %d bytes, more than ferry.state.max-size"
                    .formatted(size) + " (%d bytes); store less.".formatted(maxSize));
        }
        admin.put(service, key, values, merge);
        return get(service, key);
    }

    @DeleteMapping("/services/{service}/state/{key}")
    @Operation(operationId = "clear_object_state",
            summary = "Clear an object's state", description = "Clears the named state keys (name=..., repeated)"
            + " or, without names, the whole state. 409 while an exclusive invocation of the object runs.")
    @ApiResponse(responseCode = "204", description = "Cleared")
    ResponseEntity<Void> delete(@PathVariable String service, @PathVariable String key,
            @RequestParam(name = "name", required = false) List<String> names) {
        known(service);
        admin.clear(service, key, names == null ? List.of() : names);
        return ResponseEntity.noContent().build();
    }

    private void known(String service) {
        if (!services.exists(service)) {
            throw ServiceNotFound.of(service);
        }
    }
}
