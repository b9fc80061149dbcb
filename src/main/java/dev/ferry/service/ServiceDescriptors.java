package dev.ferry.service;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Wire types of the {@code /services} resource. */
public final class ServiceDescriptors {

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
                    settings.onMaxAttempts() == null ? null : settings.onMaxAttempts().name().toLowerCase());
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HandlerDescriptor(String name, HandlerType type, String input, String timeout,
            RetryPolicyDescriptor retryPolicy) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RegisterServiceRequest(String name, ServiceType type, String endpoint, String timeout,
            RetryPolicyDescriptor retryPolicy, String retention, List<HandlerDescriptor> handlers) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ServiceView(String name, ServiceType type, String endpoint, String timeout,
            RetryPolicyDescriptor retryPolicy, String retention, List<HandlerDescriptor> handlers, Instant createdAt) {

        static ServiceView of(RegisteredService service) {
            List<HandlerDescriptor> handlers = service.handlers().stream()
                    .map(handler -> new HandlerDescriptor(handler.name(), handler.type(),
                            handler.input().name().toLowerCase(), format(handler.timeout()),
                            RetryPolicyDescriptor.of(handler.retry())))
                    .toList();
            return new ServiceView(service.name(), service.type(), service.endpoint(), format(service.timeout()),
                    RetryPolicyDescriptor.of(service.retry()), format(service.retention()), handlers,
                    service.createdAt());
        }
    }

    public record ServiceList(List<ServiceView> services) {
    }

    static String format(Duration duration) {
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
