package dev.ferry.cluster;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.ferry.web.EntityTags;
import dev.ferry.web.InvalidRequest;
import dev.ferry.web.PropertyLimits;

/** The {@code /kafka-clusters} resource, shaped like Restate's admin API. */
@RestController
@RequestMapping({"/kafka-clusters", "/v4/kafka-clusters"})
@Tag(name = "kafka-clusters", description = "Kafka clusters that subscriptions consume from")
class KafkaClusterController {

    private final KafkaClusterRegistry registry;

    KafkaClusterController(KafkaClusterRegistry registry) {
        this.registry = registry;
    }

    record CreateKafkaClusterRequest(String name, Map<String, String> properties) {

        /**
         * Spring MVC logs request bodies at DEBUG and TRACE: property names only, because a misspelled secret
         * ("sasl.pasword") is not recognisable as one.
         */
        @Override
        public String toString() {
            return "CreateKafkaClusterRequest[name=" + name + ", properties=" + names(properties) + "]";
        }
    }

    /** {@code unset} (names to remove) only with {@code ?merge=true}. */
    record UpdateKafkaClusterRequest(Map<String, String> properties, List<String> unset) {

        @Override
        public String toString() {
            return "UpdateKafkaClusterRequest[properties=" + names(properties) + ", unset=" + unset + "]";
        }
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record KafkaClusterResponse(String name, Map<String, String> properties, Instant createdAt,
            List<ClusterUsage.ClusterUser> subscriptions, ClusterConnection connection, List<String> warnings) {

        static KafkaClusterResponse of(KafkaClusterRegistry.Saved saved) {
            KafkaClusterView view = saved.cluster();
            return new KafkaClusterResponse(view.name(), view.properties(), view.createdAt(), view.subscriptions(),
                    view.connection(), saved.warnings());
        }
    }

    /** The answer to {@code POST /kafka-clusters?validate=true}: nothing was stored. */
    record ValidationResponse(String name, Map<String, String> properties, ClusterConnection connection,
            List<String> warnings) {

        static ValidationResponse of(KafkaClusterRegistry.Validation validation) {
            return new ValidationResponse(validation.name(), validation.properties(), validation.connection(),
                    validation.warnings());
        }
    }

    record KafkaClusterList(List<KafkaClusterView> clusters) {
    }

    private static String names(Map<String, String> properties) {
        return properties == null ? "null" : properties.keySet() + " (values not shown)";
    }

    @PostMapping
    @Operation(operationId = "create_kafka_cluster",
            summary = "Create a Kafka cluster", description = "Registers a cluster by name with librdkafka-style"
            + " or Java client properties; 'bootstrap.servers' is required. With validate=true, checks the properties"
            + " and connects once (reporting connection.state and error) without storing anything.")
    @ApiResponse(responseCode = "201", description = "Created; Location names the new cluster")
    ResponseEntity<?> create(@RequestBody CreateKafkaClusterRequest request,
            @RequestParam(defaultValue = "false") boolean validate) {
        PropertyLimits.check("properties", request.properties());
        if (validate) {
            return ResponseEntity.ok(ValidationResponse.of(registry.validate(request.name(), request.properties())));
        }
        var saved = registry.create(request.name(), request.properties());
        return ResponseEntity.created(URI.create("/kafka-clusters/" + saved.cluster().name()))
                .eTag(EntityTags.of(saved.version())).body(KafkaClusterResponse.of(saved));
    }

    @GetMapping
    @Operation(operationId = "list_kafka_clusters", summary = "List Kafka clusters")
    KafkaClusterList list() {
        return new KafkaClusterList(registry.list());
    }

    @GetMapping("/{name}")
    @Operation(operationId = "get_kafka_cluster",
            summary = "Describe a Kafka cluster", description = "Includes the subscriptions that use it and the"
            + " last connection state this instance saw.")
    ResponseEntity<KafkaClusterView> get(@PathVariable String name) {
        return registry.getVersioned(name).ok();
    }

    @PatchMapping("/{name}")
    @Operation(operationId = "update_kafka_cluster",
            summary = "Change a Kafka cluster's properties", description = "Replaces all properties, or with"
            + " merge=true sets the given 'properties' and removes those named in 'unset', keeping the others"
            + " (secrets included). Restarts the cluster's consumers. With If-Match (the ETag of a GET), refused"
            + " with 412 when the cluster changed since.")
    @ApiResponse(responseCode = "412", description = "If-Match names an older version than the stored one",
            content = @Content(mediaType = "application/problem+json"))
    ResponseEntity<KafkaClusterResponse> update(@PathVariable String name,
            @RequestBody UpdateKafkaClusterRequest request, @RequestParam(defaultValue = "false") boolean merge,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        PropertyLimits.check("properties", request.properties());
        PropertyLimits.checkNames("unset", request.unset());
        if (merge) {
            return saved(registry.mergeProperties(name, request.properties(), request.unset(), ifMatch));
        }
        if (request.unset() != null && !request.unset().isEmpty()) {
            throw InvalidRequest.of("unset", "'unset' only works with PATCH /kafka-clusters/%s?merge=true; without it"
                    .formatted(name) + " the properties you send replace all others.");
        }
        return saved(registry.replaceProperties(name, request.properties(), ifMatch));
    }

    private static ResponseEntity<KafkaClusterResponse> saved(KafkaClusterRegistry.Saved saved) {
        return ResponseEntity.ok().eTag(EntityTags.of(saved.version())).body(KafkaClusterResponse.of(saved));
    }

    @DeleteMapping("/{name}")
    @Operation(operationId = "delete_kafka_cluster",
            summary = "Delete a Kafka cluster", description = "Refused with 409 while subscriptions use it,"
            + " unless force=true, which deletes those subscriptions too; refused with 409, even with force, while"
            + " a service's result_topic is on it.")
    @ApiResponse(responseCode = "202", description = "Deleted; its consumers stop shortly")
    @ApiResponse(responseCode = "412", description = "If-Match names an older version than the stored one",
            content = @Content(mediaType = "application/problem+json"))
    ResponseEntity<Void> delete(@PathVariable String name, @RequestParam(defaultValue = "false") boolean force,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        registry.delete(name, force, ifMatch);
        return ResponseEntity.accepted().build();
    }
}
