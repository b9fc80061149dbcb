package dev.ferry.service;

/** What a handler accepts as its request body. */
public enum InputFormat {
    /** JSON; a record value that is not valid JSON fails the invocation with {@code invalid-payload}. */
    JSON,
    /** Any bytes, sent as {@code application/octet-stream}. */
    RAW
}
