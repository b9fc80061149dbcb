package dev.ferry.deployment;

import java.util.Map;

import dev.ferry.web.NotFound;

/** No deployment has the given id. */
class DeploymentNotFound extends NotFound {

    private DeploymentNotFound(String id) {
        super("deployment-not-found", "Deployment not found",
                ("No deployment has id '%s'. List deployments with GET /deployments, or register one with"
                        + " POST /deployments.").formatted(id),
                Map.of("deployment_id", id));
    }

    static DeploymentNotFound of(String id) {
        return new DeploymentNotFound(id);
    }
}
