package dev.ferry.service;

import java.net.URI;
import java.time.Duration;

/**
 * Everything needed to run one handler: where it lives, how invocations of one key relate, what body
 * it takes, its timeout (null: the global default) and its retry settings (handler over service).
 */
public record HandlerTarget(String service, String handler, ServiceType serviceType, HandlerType handlerType,
        URI endpoint, InputFormat input, Duration timeout, RetrySettings retry) {

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
