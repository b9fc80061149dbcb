package dev.ferry.service;

import java.net.URI;
import java.time.Duration;

/**
 * Everything needed to run one handler: where it lives, how invocations of one key relate, what body
 * it takes, its timeout (null: the global default), its retry settings (handler over service), the protocol
 * to call it with and, for a Restate SDK handler, what that protocol needs ({@code restate}; null for HTTP).
 * {@code envelope}: a plain HTTP handler of a virtual object called with the object-state envelope.
 * {@code resultTopic}: where the outputs of the service's RPC-started invocations go, or null.
 */
public record HandlerTarget(String service, String handler, ServiceType serviceType, HandlerType handlerType,
        URI endpoint, InputFormat input, Duration timeout, RetrySettings retry, ServiceProtocol protocol,
        RestateTarget restate, boolean envelope, ResultTopic resultTopic) {

    public HandlerTarget {
        protocol = protocol == null ? ServiceProtocol.HTTP : protocol;
    }

    /** A handler without a result topic. */
    public HandlerTarget(String service, String handler, ServiceType serviceType, HandlerType handlerType,
            URI endpoint, InputFormat input, Duration timeout, RetrySettings retry, ServiceProtocol protocol,
            RestateTarget restate, boolean envelope) {
        this(service, handler, serviceType, handlerType, endpoint, input, timeout, retry, protocol, restate, envelope,
                null);
    }

    /** A handler without the state envelope. */
    public HandlerTarget(String service, String handler, ServiceType serviceType, HandlerType handlerType,
            URI endpoint, InputFormat input, Duration timeout, RetrySettings retry, ServiceProtocol protocol,
            RestateTarget restate) {
        this(service, handler, serviceType, handlerType, endpoint, input, timeout, retry, protocol, restate, false);
    }

    /** A plain HTTP handler. */
    public HandlerTarget(String service, String handler, ServiceType serviceType, HandlerType handlerType,
            URI endpoint, InputFormat input, Duration timeout, RetrySettings retry) {
        this(service, handler, serviceType, handlerType, endpoint, input, timeout, retry, ServiceProtocol.HTTP, null);
    }

    /** Whether invocations carry an object key. */
    public boolean keyed() {
        return serviceType.keyed();
    }

    /** Whether invocations of one key must run one at a time, in order. */
    public boolean exclusive() {
        return serviceType == ServiceType.VIRTUAL_OBJECT && handlerType == HandlerType.EXCLUSIVE;
    }

    /** Whether this is a workflow's run handler, which runs once per key. */
    public boolean workflowRun() {
        return serviceType == ServiceType.WORKFLOW && handlerType == HandlerType.WORKFLOW;
    }
}
