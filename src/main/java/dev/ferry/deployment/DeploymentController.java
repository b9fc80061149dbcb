package dev.ferry.deployment;

import java.net.URI;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.ferry.deployment.DeploymentDescriptors.DetailedDeploymentResponse;
import dev.ferry.deployment.DeploymentDescriptors.ListDeploymentsResponse;
import dev.ferry.deployment.DeploymentDescriptors.RegisterDeploymentRequest;
import dev.ferry.deployment.DeploymentDescriptors.RegisterDeploymentResponse;

/** The {@code /deployments} resource, in the shape of Restate's admin API. */
@RestController
@RequestMapping({"/deployments", "/v4/deployments"})
@Tag(name = "deployments", description = "Restate SDK endpoints whose services Ferry runs")
class DeploymentController {

    private final DeploymentRegistry registry;

    DeploymentController(DeploymentRegistry registry) {
        this.registry = registry;
    }

    @PostMapping
    @Operation(operationId = "register_deployment",
            summary = "Register a deployment", description = "Ferry asks GET {uri}/discover for the endpoint's"
            + " manifest and registers its services (protocol restate). force (default true) updates the services"
            + " of a known URI in place; dry_run stores nothing.")
    @ApiResponse(responseCode = "201", description = "Registered")
    @ApiResponse(responseCode = "200", description = "The URI was known: unchanged, or updated with force")
    ResponseEntity<RegisterDeploymentResponse> register(@RequestBody RegisterDeploymentRequest request) {
        DeploymentRegistry.Registered registered = registry.register(request);
        return ResponseEntity.status(registered.created() ? HttpStatus.CREATED : HttpStatus.OK)
                .location(URI.create("/deployments/" + registered.response().id())).body(registered.response());
    }

    @GetMapping
    @Operation(operationId = "list_deployments", summary = "List deployments")
    ListDeploymentsResponse list() {
        return new ListDeploymentsResponse(registry.list());
    }

    @GetMapping("/{id}")
    @Operation(operationId = "get_deployment", summary = "Describe a deployment, with its services")
    DetailedDeploymentResponse get(@PathVariable String id) {
        return registry.get(id);
    }

    @DeleteMapping("/{id}")
    @Operation(operationId = "delete_deployment",
            summary = "Remove a deployment and its services", description = "Refused with 409 while a"
            + " subscription targets one of its services, unless force=true, which deletes those subscriptions too.")
    @ApiResponse(responseCode = "202", description = "Removed")
    ResponseEntity<Void> delete(@PathVariable String id, @RequestParam(defaultValue = "false") boolean force) {
        registry.delete(id, force);
        return ResponseEntity.accepted().build();
    }
}
