package dev.ferry.service;

import java.time.Duration;
import java.util.List;

/**
 * A service as a Restate SDK deployment's manifest declares it. Null durations and retry fields inherit Ferry's
 * defaults; the inactivity timeout becomes the handler's {@code timeout}.
 */
public record RestateServiceDefinition(String name, ServiceType type, Duration inactivityTimeout, Duration abortTimeout,
        RetrySettings retry, boolean enableLazyState, List<Handler> handlers) {

    public RestateServiceDefinition {
        handlers = List.copyOf(handlers);
        retry = retry == null ? RetrySettings.inherit() : retry;
    }

    /** The same definition with each handler's lazy-state flag left null where it only repeats the service's. */
    public RestateServiceDefinition normalized() {
        List<Handler> normalized = handlers.stream()
                .map(handler -> Boolean.valueOf(enableLazyState).equals(handler.enableLazyState())
                        ? new Handler(handler.name(), handler.type(), handler.inputContentType(),
                                handler.outputContentType(), handler.inactivityTimeout(), handler.abortTimeout(),
                                handler.retry(), null)
                        : handler)
                .toList();
        return new RestateServiceDefinition(name, type, inactivityTimeout, abortTimeout, retry, enableLazyState,
                normalized);
    }

    /**
     * One handler: its type (null for a plain service's handler), the content types of its input and output,
     * its own timeouts and retry settings (null: the service's) and lazy state (null: the service's).
     */
    public record Handler(String name, HandlerType type, String inputContentType, String outputContentType,
            Duration inactivityTimeout, Duration abortTimeout, RetrySettings retry, Boolean enableLazyState) {

        public Handler {
            retry = retry == null ? RetrySettings.inherit() : retry;
        }
    }
}
