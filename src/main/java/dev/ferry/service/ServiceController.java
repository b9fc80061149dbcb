package dev.ferry.service;

import java.net.URI;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.ferry.service.ServiceDescriptors.RegisterServiceRequest;
import dev.ferry.service.ServiceDescriptors.ServiceList;
import dev.ferry.service.ServiceDescriptors.ServiceView;

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
    @Operation(summary = "Register a service", description = "Ferry calls POST {endpoint}/{service}/{handler},"
            + " or POST {endpoint}/{service}/{key}/{handler} for virtual objects and workflows.")
    @ApiResponse(responseCode = "201", description = "Registered; Location names the new service")
    ResponseEntity<ServiceView> register(@RequestBody RegisterServiceRequest request) {
        ServiceView view = registry.register(request);
        return ResponseEntity.created(URI.create("/services/" + view.name())).body(view);
    }

    @GetMapping
    @Operation(summary = "List services")
    ServiceList list() {
        return new ServiceList(registry.list());
    }

    @GetMapping("/{name}")
    @Operation(summary = "Describe a service")
    ServiceView get(@PathVariable String name) {
        return registry.get(name);
    }

    @DeleteMapping("/{name}")
    @Operation(summary = "Delete a service", description = "Refused with 409 while a subscription uses it.")
    @ApiResponse(responseCode = "204", description = "Deleted")
    ResponseEntity<Void> delete(@PathVariable String name) {
        registry.delete(name);
        return ResponseEntity.noContent().build();
    }
}
