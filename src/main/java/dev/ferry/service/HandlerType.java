package dev.ferry.service;

/** How invocations of one handler for the same key relate to each other. */
public enum HandlerType {
    /** One at a time per object key, in order. */
    EXCLUSIVE,
    /** Any number at once. */
    SHARED,
    /** A workflow's run handler: once per key. */
    WORKFLOW
}
