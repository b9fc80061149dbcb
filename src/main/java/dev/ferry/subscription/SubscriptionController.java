package dev.ferry.subscription;

import java.net.URI;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.ferry.web.PropertyLimits;

/** The {@code /subscriptions} resource, shaped like Restate's admin API. */
@RestController
@RequestMapping({"/subscriptions", "/v4/subscriptions"})
@Tag(name = "subscriptions", description = "Handlers subscribed to Kafka topics")
class SubscriptionController {

    private final SubscriptionRegistry registry;
    private final ObjectProvider<ConsumerStatuses> consumers;

    SubscriptionController(SubscriptionRegistry registry, ObjectProvider<ConsumerStatuses> consumers) {
        this.registry = registry;
        this.consumers = consumers;
    }

    /** The view with its consumer's state, read after the change committed and the consumers followed it. */
    private SubscriptionView withConsumer(SubscriptionView view) {
        ConsumerStatuses statuses = consumers.getIfAvailable();
        return statuses == null ? view : view.withConsumer(statuses.find(view.id()).orElse(null));
    }

    record CreateSubscriptionRequest(String source, String sink, Map<String, String> options) {

        /** Spring MVC logs request bodies at DEBUG and TRACE: option names only, an option may hold a secret. */
        @Override
        public String toString() {
            return "CreateSubscriptionRequest[source=" + source + ", sink=" + sink + ", options="
                    + (options == null ? "null" : options.keySet() + " (values not shown)") + "]";
        }
    }

    record SubscriptionList(List<SubscriptionView> subscriptions) {
    }

    @PostMapping
    @Operation(operationId = "create_subscription",
            summary = "Create a subscription", description = "source kafka://CLUSTER/TOPIC, sink"
            + " service://SERVICE/HANDLER, options are consumer properties (group.id defaults to the id).")
    @ApiResponse(responseCode = "201", description = "Created; Location names the new subscription")
    ResponseEntity<SubscriptionView> create(@RequestBody CreateSubscriptionRequest request) {
        PropertyLimits.check("options", request.options());
        SubscriptionView view = withConsumer(registry.create(request.source(), request.sink(), request.options()));
        return ResponseEntity.created(URI.create("/subscriptions/" + view.id())).body(view);
    }

    @GetMapping
    @Operation(operationId = "list_subscriptions",
            summary = "List subscriptions", description = "Optionally filtered by exact source or sink.")
    SubscriptionList list(@RequestParam(required = false) String source, @RequestParam(required = false) String sink) {
        return new SubscriptionList(registry.list(source, sink).stream().map(this::withConsumer).toList());
    }

    @GetMapping("/{id}")
    @Operation(operationId = "get_subscription", summary = "Describe a subscription")
    SubscriptionView get(@PathVariable String id) {
        return withConsumer(registry.get(id));
    }

    @DeleteMapping("/{id}")
    @Operation(operationId = "delete_subscription",
            summary = "Delete a subscription", description = "Stops its consumer group; invocations already"
            + " enqueued still run.")
    @ApiResponse(responseCode = "202", description = "Deleted; its consumer group stops shortly")
    ResponseEntity<Void> delete(@PathVariable String id) {
        registry.delete(id);
        return ResponseEntity.accepted().build();
    }

    @PostMapping("/{id}/pause")
    @Operation(operationId = "pause_subscription",
            summary = "Pause a subscription", description = "Stops consuming; the group keeps its offsets.")
    SubscriptionView pause(@PathVariable String id) {
        return withConsumer(registry.pause(id));
    }

    @PostMapping("/{id}/resume")
    @Operation(operationId = "resume_subscription",
            summary = "Resume a subscription", description = "Continues from the committed offsets.")
    SubscriptionView resume(@PathVariable String id) {
        return withConsumer(registry.resume(id));
    }
}
