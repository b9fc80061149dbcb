package dev.ferry.deployment;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.ferry.deployment.DeploymentDescriptors.ListServicesResponse;
import dev.ferry.deployment.DeploymentDescriptors.ServiceMetadata;
import dev.ferry.service.RestateServiceRegistry;
import dev.ferry.service.ServiceNotFound;
import dev.ferry.service.ServiceProtocol;

/**
 * {@code /v4/services}: the services of Restate SDK deployments in the shape of Restate's admin API, which
 * Restate's CLI reads for {@code services list|describe}. Plain HTTP services have no deployment, so they are
 * listed under {@code /services} only.
 */
@RestController
@RequestMapping("/v4/services")
@Tag(name = "deployments")
class RestateServicesController {

    private final RestateServiceRegistry services;

    RestateServicesController(RestateServiceRegistry services) {
        this.services = services;
    }

    @GetMapping
    @Operation(operationId = "list_deployment_services", summary = "List the services of deployments (Restate's shape)")
    ListServicesResponse list() {
        return new ListServicesResponse(services.list().stream().map(ServiceMetadata::of).toList());
    }

    @GetMapping("/{name}")
    @Operation(operationId = "get_deployment_service", summary = "Describe a service of a deployment (Restate's shape)")
    ServiceMetadata get(@PathVariable String name) {
        return services.find(name).filter(service -> service.protocol() == ServiceProtocol.RESTATE)
                .map(ServiceMetadata::of).orElseThrow(() -> ServiceNotFound.of(name));
    }
}
