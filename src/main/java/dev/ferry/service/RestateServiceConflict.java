package dev.ferry.service;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import dev.ferry.web.Conflict;

/** A change to a Restate SDK service that clashes with what is registered or subscribed (409). */
final class RestateServiceConflict extends Conflict {

    private RestateServiceConflict(String type, String title, String detail, Map<String, ?> fields) {
        super(type, title, detail, fields);
    }

    static RestateServiceConflict serviceInUse(String service, List<String> subscriptions) {
        return new RestateServiceConflict("service-in-use", "Service in use",
                "Service '%s' is the sink of %d subscription(s) (%s). Delete those subscriptions first, or"
                        .formatted(service, subscriptions.size(), String.join(", ", subscriptions))
                        + " force the removal to delete them too.",
                Map.of("service", service, "subscriptions", subscriptions));
    }

    static RestateServiceConflict nameTaken(String service) {
        return new RestateServiceConflict("service-name-taken", "Service name taken",
                ("A plain HTTP service is already registered as '%s', so the deployment's service of that name cannot"
                        + " be registered. Delete the HTTP service first (DELETE /services/%s), or rename the service"
                        + " in the deployment.").formatted(service, service),
                Map.of("service", service));
    }

    static RestateServiceConflict handlerInUse(String service, Collection<String> handlers,
            Collection<String> subscriptions) {
        return new RestateServiceConflict("handler-in-use", "Handler in use",
                ("The new revision of service '%s' no longer has handler(s) %s, and subscription(s) %s use the"
                        + " service. Delete the subscriptions of those handlers first, or keep the handlers.")
                        .formatted(service, handlers, subscriptions),
                Map.of("service", service, "handlers", handlers, "subscriptions", subscriptions));
    }

    static RestateServiceConflict changeOfDeployment(String service, String deploymentId) {
        return new RestateServiceConflict("service-of-deployment", "Service of a deployment",
                ("Service '%s' is defined by Restate deployment %s and takes its handlers, timeouts and retry policy"
                        + " from it, so it cannot be changed here. Change it in the SDK and register the deployment"
                        + " again with force (POST /deployments with \"force\": true, or ferry deployments register"
                        + " URI --force).").formatted(service, deploymentId),
                Map.of("service", service, "deployment_id", deploymentId));
    }

    static RestateServiceConflict ofDeployment(String service, String deploymentId) {
        return new RestateServiceConflict("service-of-deployment", "Service of a deployment",
                ("Service '%s' was registered from deployment %s; remove the deployment instead"
                        + " (DELETE /deployments/%s).")
                        .formatted(service, deploymentId, deploymentId),
                Map.of("service", service, "deployment_id", deploymentId));
    }
}
