package dev.ferry.deployment;

import java.util.List;
import java.util.Map;

import dev.ferry.web.Conflict;

/** A deployment request that clashes with what is registered (409). */
final class DeploymentConflict extends Conflict {

    private DeploymentConflict(String type, String title, String detail, Map<String, ?> fields) {
        super(type, title, detail, fields);
    }

    static DeploymentConflict inUse(String id, Map<String, List<String>> subscriptions) {
        return new DeploymentConflict("deployment-in-use", "Deployment in use",
                ("Subscriptions target services of deployment %s: %s. Delete those subscriptions first, or remove"
                        + " the deployment with force=true, which deletes them too.").formatted(id, subscriptions),
                Map.of("deployment_id", id, "subscriptions", subscriptions));
    }

    static DeploymentConflict exists(String id, Object uri) {
        return new DeploymentConflict("deployment-exists", "Deployment exists",
                ("Deployment %s is already registered at %s and its services changed. Register it again with"
                        + " force=true (restate deployments register --force) to update its services in place;"
                        + " their subscriptions stay.").formatted(id, uri),
                Map.of("deployment_id", id, "uri", uri));
    }

    static DeploymentConflict serviceTypeChanged(String service, Object currentType, String currentDeployment,
            Object declaredType) {
        return new DeploymentConflict("service-type-changed", "Service type changed",
                ("Service '%s' is a %s of deployment %s, and this deployment declares it as a %s. Register"
                        + " with force=true to change its type.").formatted(service, currentType, currentDeployment,
                        declaredType),
                Map.of("service", service));
    }

    static DeploymentConflict serviceNameTaken(String service) {
        return new DeploymentConflict("service-name-taken", "Service name taken",
                ("The deployment declares service '%s', and a plain HTTP service of that name is registered;"
                        + " nothing was registered. Delete the HTTP service first (DELETE /services/%s), or"
                        + " rename the service in the deployment.").formatted(service, service),
                Map.of("service", service));
    }
}
