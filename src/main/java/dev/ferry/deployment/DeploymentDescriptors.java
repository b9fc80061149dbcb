package dev.ferry.deployment;

import static dev.ferry.service.ServiceDescriptors.format;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.ferry.service.HandlerType;
import dev.ferry.service.RestateServiceDefinition;
import dev.ferry.service.RetrySettings;
import dev.ferry.service.ServiceRevision;
import dev.ferry.service.ServiceType;

/**
 * Wire types of {@code /deployments} and {@code /v4/services}, with the field names and values of Restate's admin
 * API (its {@code RegisterDeploymentRequest}, {@code DeploymentResponse}, {@code ServiceMetadata}, ...), which
 * Restate's CLI parses. Durations are written like {@code 100ms}, {@code 10s}, {@code 5m}.
 */
public final class DeploymentDescriptors {

    private DeploymentDescriptors() {
    }

    /**
     * {@code force} defaults to true, as in Restate's admin API; {@code dry_run} discovers and answers what would be
     * registered, storing nothing. {@code additional_headers} and {@code arn} (Lambda) are not supported.
     */
    public record RegisterDeploymentRequest(String uri, Boolean force, @JsonProperty("use_http_11") Boolean useHttp11,
            Boolean dryRun, Boolean breaking, Map<String, String> additionalHeaders, Map<String, String> metadata,
            String arn) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RegisterDeploymentResponse(String id, List<ServiceMetadata> services, int minProtocolVersion,
            int maxProtocolVersion, String sdkVersion) {
    }

    public record ServiceNameRevPair(String name, int revision) {
    }

    /** {@code GET /deployments}: each deployment with the names and revisions of its services. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeploymentResponse(String id, String uri, String protocolType, String httpVersion, String createdAt,
            int minProtocolVersion, int maxProtocolVersion, String sdkVersion, List<ServiceNameRevPair> services) {
    }

    /** {@code GET /deployments/{id}}: the deployment with its services whole. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DetailedDeploymentResponse(String id, String uri, String protocolType, String httpVersion,
            String createdAt, int minProtocolVersion, int maxProtocolVersion, String sdkVersion,
            List<ServiceMetadata> services) {
    }

    public record ListDeploymentsResponse(List<DeploymentResponse> deployments) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RetryPolicyMetadata(String initialInterval, Double exponentiationFactor, Integer maxAttempts,
            String maxInterval, String onMaxAttempts) {

        static RetryPolicyMetadata of(RetrySettings retry) {
            if (retry.equals(RetrySettings.inherit())) {
                return null;
            }
            return new RetryPolicyMetadata(format(retry.initialInterval()), retry.factor(),
                    retry.maxAttempts() == null || retry.maxAttempts() == 0 ? null : retry.maxAttempts(),
                    format(retry.maxInterval()), retry.onMaxAttempts() == null ? null
                            : retry.onMaxAttempts() == RetrySettings.OnMaxAttempts.PAUSE ? "Pause" : "Kill");
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HandlerMetadata(String name, String ty, String inputDescription, String outputDescription,
            @JsonProperty("public") boolean publicHandler, Boolean enableLazyState, String inactivityTimeout,
            String abortTimeout, RetryPolicyMetadata retryPolicy) {

        static HandlerMetadata of(RestateServiceDefinition service, RestateServiceDefinition.Handler handler) {
            boolean lazy = handler.enableLazyState() != null ? handler.enableLazyState() : service.enableLazyState();
            return new HandlerMetadata(handler.name(), handlerType(handler.type()),
                    describe(handler.inputContentType(), "none"), describe(handler.outputContentType(), "none"), true,
                    service.type() == ServiceType.SERVICE ? null : lazy, format(handler.inactivityTimeout()),
                    format(handler.abortTimeout()), RetryPolicyMetadata.of(handler.retry()));
        }
    }

    /** {@code GET /v4/services}: a service of a deployment. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ServiceMetadata(String name, String ty, List<HandlerMetadata> handlers, String deploymentId,
            int revision, @JsonProperty("public") boolean publicService, boolean enableLazyState,
            String inactivityTimeout, String abortTimeout, RetryPolicyMetadata retryPolicy) {

        static ServiceMetadata of(ServiceRevision service) {
            return of(service.definition(), service.deploymentId(), service.revision());
        }

        static ServiceMetadata of(RestateServiceDefinition definition, String deploymentId, int revision) {
            return new ServiceMetadata(definition.name(), serviceType(definition.type()),
                    definition.handlers().stream().map(handler -> HandlerMetadata.of(definition, handler)).toList(),
                    deploymentId, revision, true, definition.enableLazyState(),
                    format(definition.inactivityTimeout()), format(definition.abortTimeout()),
                    RetryPolicyMetadata.of(definition.retry()));
        }
    }

    public record ListServicesResponse(List<ServiceMetadata> services) {
    }

    static String serviceType(ServiceType type) {
        return switch (type) {
            case SERVICE -> "Service";
            case VIRTUAL_OBJECT -> "VirtualObject";
            case WORKFLOW -> "Workflow";
        };
    }

    static String handlerType(HandlerType type) {
        if (type == null) {
            return null;
        }
        return switch (type) {
            case EXCLUSIVE -> "Exclusive";
            case SHARED -> "Shared";
            case WORKFLOW -> "Workflow";
        };
    }

    private static String describe(String contentType, String none) {
        return contentType == null ? none : "value of content-type '%s'".formatted(contentType);
    }
}
