package dev.ferry.cli;

import tools.jackson.databind.JsonNode;

/**
 * An error answer from Ferry's API: an RFC 9457 problem whose {@code detail} says what to fix. The
 * message is that detail (or, for an answer that is not a problem, the status and the request).
 */
final class ApiProblem extends CliException {

    private static final String FERRY_TYPES = "https://ferry.dev/problems/";

    private final int status;
    private final JsonNode body;

    ApiProblem(int status, String message, JsonNode body) {
        super(message);
        this.status = status;
        this.body = body;
    }

    int status() {
        return status;
    }

    /** The problem's fields, a missing node when the answer had no JSON body. */
    JsonNode body() {
        return body;
    }

    /** True for one of Ferry's own problem types, such as {@code kafka-cluster-in-use}. */
    boolean is(String type) {
        return (FERRY_TYPES + type).equals(body.path("type").asString(""));
    }

    /** True when Ferry said why, with one of its own problem types, rather than a generic 404 or 405. */
    boolean isFerryProblem() {
        return body.path("type").asString("").startsWith(FERRY_TYPES);
    }
}
