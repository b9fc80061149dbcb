package dev.ferry.service;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;

/** Wire types of the {@code /services} resource. */
public final class ServiceDescriptors {

    static final String RESULT_TOPIC = "Plain HTTP services only: kafka://CLUSTER/TOPIC, a topic of a registered"
            + " cluster (always named: a service has no cluster of its own). The output of every invocation started"
            + " through /call or /send of this service that completes with success is produced once to it, keyed by"
            + " the object key, with headers ferry.invocation.id and content-type (see docs/state.md, \"Results to"
            + " Kafka\"). Invocations fed by subscriptions use their subscription's result.topic instead.";

    private ServiceDescriptors() {
    }

    /**
     * A retry policy on the wire. Durations are strings such as {@code "100ms"}, {@code "10s"} or
     * {@code "PT1M"}; {@code max_attempts} 0 means unlimited; {@code on_max_attempts} is {@code pause}
     * or {@code kill}. Absent fields inherit.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RetryPolicyDescriptor(String initialInterval, Double factor, String maxInterval, Integer maxAttempts,
            String onMaxAttempts) {

        static RetryPolicyDescriptor of(RetrySettings settings) {
            if (settings.initialInterval() == null && settings.factor() == null && settings.maxInterval() == null
                    && settings.maxAttempts() == null && settings.onMaxAttempts() == null) {
                return null;
            }
            return new RetryPolicyDescriptor(format(settings.initialInterval()), settings.factor(),
                    format(settings.maxInterval()), settings.maxAttempts(),
                    settings.onMaxAttempts() == null ? null : settings.onMaxAttempts().name().toLowerCase(Locale.ROOT));
        }
    }

    /**
     * A handler; {@code enable_lazy_state}, {@code input_content_type} and {@code output_content_type} are shown for
     * the handlers of Restate SDK services only. {@code state}: {@code envelope} for a plain HTTP handler of a
     * virtual object that keeps object state (see docs/state.md, "Stateful handlers"); in a view, the handler's own or
     * its service's.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HandlerDescriptor(String name, HandlerType type, String input, String timeout,
            RetryPolicyDescriptor retryPolicy, Boolean enableLazyState, String inputContentType,
            String outputContentType, String state) {

        public HandlerDescriptor(String name, HandlerType type, String input, String timeout,
                RetryPolicyDescriptor retryPolicy) {
            this(name, type, input, timeout, retryPolicy, null, null, null, null);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RegisterServiceRequest(String name, ServiceType type, String endpoint, String timeout,
            RetryPolicyDescriptor retryPolicy, String retention, List<HandlerDescriptor> handlers, String state,
            @Schema(description = RESULT_TOPIC) String resultTopic) {

        /** A registration without a result topic. */
        public RegisterServiceRequest(String name, ServiceType type, String endpoint, String timeout,
                RetryPolicyDescriptor retryPolicy, String retention, List<HandlerDescriptor> handlers, String state) {
            this(name, type, endpoint, timeout, retryPolicy, retention, handlers, state, null);
        }
    }

    /**
     * A change of a plain HTTP service: fields left out stay as they are. {@code handlers} adds handlers or
     * replaces those of the same name whole; {@code remove_handlers} names handlers to remove; {@code retry_policy}
     * replaces the service's retry policy. {@code name} and {@code type} cannot change and are only compared.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record UpdateServiceRequest(String name, ServiceType type, String endpoint, String timeout,
            RetryPolicyDescriptor retryPolicy, String retention, List<HandlerDescriptor> handlers,
            List<String> removeHandlers,
            @Schema(description = RESULT_TOPIC + " In a change, \"\" removes it.") String resultTopic) {
    }

    /**
     * A service; {@code protocol} is {@code http} or {@code restate}, and a Restate SDK service also shows the
     * deployment that serves it and its revision.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ServiceView(String name, ServiceType type, String protocol, String endpoint, String deploymentId,
            Integer revision, String timeout, RetryPolicyDescriptor retryPolicy, String retention,
            List<HandlerDescriptor> handlers, Instant createdAt,
            @Schema(description = RESULT_TOPIC) String resultTopic) {

        static ServiceView of(RegisteredService service) {
            boolean restate = service.protocol() == ServiceProtocol.RESTATE;
            List<HandlerDescriptor> handlers = service.handlers().stream()
                    .map(handler -> new HandlerDescriptor(handler.name(), handler.type(),
                            handler.input().name().toLowerCase(Locale.ROOT), format(handler.timeout()),
                            RetryPolicyDescriptor.of(handler.retry()), restate ? handler.enableLazyState() : null,
                            handler.inputContentType(), handler.outputContentType(),
                            service.envelope(handler) ? Handler.ENVELOPE : null))
                    .toList();
            return new ServiceView(service.name(), service.type(), service.protocol().wireName(), service.endpoint(),
                    service.deploymentId(), restate ? service.revision() : null, format(service.timeout()),
                    RetryPolicyDescriptor.of(service.retry()), format(service.retention()), handlers,
                    service.createdAt(), service.resultTopic() == null ? null : service.resultTopic().toString());
        }
    }

    public record ServiceList(List<ServiceView> services) {
    }

    /**
     * A duration as Ferry's views and Restate's tools write it ({@code jiff}'s friendly form): whole hours,
     * minutes or seconds, else milliseconds; null for none.
     */
    public static String format(Duration duration) {
        if (duration == null) {
            return null;
        }
        long millis = duration.toMillis();
        if (millis % 1000 != 0) {
            return millis + "ms";
        }
        long seconds = millis / 1000;
        if (seconds % 3600 == 0 && seconds > 0) {
            return seconds / 3600 + "h";
        }
        return seconds % 60 == 0 && seconds > 0 ? seconds / 60 + "m" : seconds + "s";
    }
}
