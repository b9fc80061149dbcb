package dev.ferry.restate;

/** What a handler may do with its object's state, from the manifest's service and handler types. */
public enum HandlerKind {
    /** A handler of a service: no key, no state. */
    STATELESS,
    /** An exclusive handler of a virtual object, or a workflow's run handler: reads and writes state. */
    EXCLUSIVE,
    /** A shared handler: reads state, never writes it. */
    SHARED;

    boolean mayWriteState() {
        return this == EXCLUSIVE;
    }
}
