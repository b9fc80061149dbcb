package dev.ferry.service;

import java.net.URI;

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
import org.springframework.web.bind.annotation.RestController;

import dev.ferry.service.ServiceDescriptors.RegisterServiceRequest;
import dev.ferry.service.ServiceDescriptors.ServiceList;
import dev.ferry.service.ServiceDescriptors.ServiceView;
import dev.ferry.service.ServiceDescriptors.UpdateServiceRequest;

/** The {@code /services} resource. */
@RestController
@RequestMapping("/services")
@Tag(name = "services", description = "Services whose HTTP handlers Ferry calls")
class ServiceController {

    private final ServiceRegistry registry;

    ServiceController(ServiceRegistry registry) {
        this.registry = registry;
    }

    @PostMapping
    @Operation(operationId = "register_service",
            summary = "Register a service", description = "Ferry calls POST {endpoint}/{service}/{handler},"
            + " or POST {endpoint}/{service}/{key}/{handler} for virtual objects and workflows.")
    @ApiResponse(responseCode = "201", description = "Registered; Location names the new service")
    ResponseEntity<ServiceView> register(@RequestBody RegisterServiceRequest request) {
        ServiceView view = registry.register(request);
        return ResponseEntity.created(URI.create("/services/" + view.name())).body(view);
    }

    @GetMapping
    @Operation(operationId = "list_services", summary = "List services")
    ServiceList list() {
        return new ServiceList(registry.list());
    }

    @GetMapping("/{name}")
    @Operation(operationId = "get_service",
            summary = "Describe a service", description = "The ETag header names the version; send it back as"
            + " If-Match with a change so that a change made in between is not overwritten.")
    ResponseEntity<ServiceView> get(@PathVariable String name) {
        return registry.getVersioned(name).ok();
    }

    @PatchMapping("/{name}")
    @Operation(operationId = "update_service",
            summary = "Change a service", description = "Changes a plain HTTP service in place: endpoint,"
            + " timeout, retry_policy (replaced whole), retention, handlers (added, or replaced whole by name) and"
            + " remove_handlers. Fields left out stay. Subscriptions keep their ids, consumer groups and offsets."
            + " Services of a Restate deployment change only by registering the deployment again with force.")
    @ApiResponse(responseCode = "200", description = "Changed; ETag names the new version")
    @ApiResponse(responseCode = "409", description = "A removed handler has subscriptions, or the service belongs to"
            + " a Restate deployment", content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "412", description = "If-Match names an older version than the stored one",
            content = @Content(mediaType = "application/problem+json"))
    ResponseEntity<ServiceView> update(@PathVariable String name, @RequestBody UpdateServiceRequest request,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        return registry.update(name, request, ifMatch).ok();
    }

    @DeleteMapping("/{name}")
    @Operation(operationId = "delete_service",
            summary = "Delete a service", description = "Refused with 409 while a subscription uses it.")
    @ApiResponse(responseCode = "204", description = "Deleted")
    @ApiResponse(responseCode = "412", description = "If-Match names an older version than the stored one",
            content = @Content(mediaType = "application/problem+json"))
    ResponseEntity<Void> delete(@PathVariable String name,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        registry.delete(name, ifMatch);
        return ResponseEntity.noContent().build();
    }
}
