package dev.ferry.service;

/** What kind of target a service is; it decides whether its handlers take a key. */
public enum ServiceType {
    SERVICE, VIRTUAL_OBJECT, WORKFLOW;

    public boolean keyed() {
        return this != SERVICE;
    }
}
