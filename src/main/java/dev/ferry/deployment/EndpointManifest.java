package dev.ferry.deployment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.service.HandlerType;
import dev.ferry.service.RestateServiceDefinition;
import dev.ferry.service.RetrySettings;
import dev.ferry.service.ServiceType;

/**
 * What a Restate SDK endpoint declares at {@code GET /discover} (the endpoint manifest, versions 2 to 4): the
 * protocol mode, the range of service protocol versions it speaks and its services. Fields Ferry does not use
 * (retentions, documentation, metadata, JSON schemas) are ignored.
 */
record EndpointManifest(String protocolMode, int minProtocolVersion, int maxProtocolVersion,
        List<RestateServiceDefinition> services) {

    /** The media types of the manifest versions Ferry reads, as sent in {@code Accept}. */
    static final String ACCEPT = "application/vnd.restate.endpointmanifest.v2+json, "
            + "application/vnd.restate.endpointmanifest.v3+json, application/vnd.restate.endpointmanifest.v4+json";

    static boolean isManifestType(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return type.matches("application/vnd\\.restate\\.endpointmanifest\\.v[234]\\+json");
    }

    /** Reads the manifest; a body that is not one names in {@code NotAManifest} what is wrong with it. */
    static EndpointManifest parse(JsonMapper json, byte[] body) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JacksonException e) {
            throw new NotAManifest("the body is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new NotAManifest("the body is not a JSON object");
        }
        int min = requiredInt(root, "minProtocolVersion");
        int max = requiredInt(root, "maxProtocolVersion");
        if (min > max) {
            throw new NotAManifest("minProtocolVersion %d is above maxProtocolVersion %d".formatted(min, max));
        }
        String mode = root.path("protocolMode").isString() ? root.path("protocolMode").asString() : "BIDI_STREAM";
        if (!mode.equals("BIDI_STREAM") && !mode.equals("REQUEST_RESPONSE")) {
            throw new NotAManifest("protocolMode '%s' is neither BIDI_STREAM nor REQUEST_RESPONSE".formatted(mode));
        }
        JsonNode services = root.path("services");
        if (!services.isArray() || services.isEmpty()) {
            throw new NotAManifest("it declares no services");
        }
        List<RestateServiceDefinition> definitions = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (JsonNode service : services) {
            RestateServiceDefinition definition = service(service);
            if (!names.add(definition.name())) {
                throw new NotAManifest("service '%s' is declared twice".formatted(definition.name()));
            }
            definitions.add(definition.normalized());
        }
        return new EndpointManifest(mode, min, max, List.copyOf(definitions));
    }

    private static RestateServiceDefinition service(JsonNode service) {
        String name = requiredText(service, "name", "a service");
        ServiceType type = switch (requiredText(service, "ty", "service '" + name + "'")) {
            case "SERVICE" -> ServiceType.SERVICE;
            case "VIRTUAL_OBJECT" -> ServiceType.VIRTUAL_OBJECT;
            case "WORKFLOW" -> ServiceType.WORKFLOW;
            default -> throw new NotAManifest("service '%s' has ty '%s', not SERVICE, VIRTUAL_OBJECT or WORKFLOW"
                    .formatted(name, service.path("ty").asString()));
        };
        List<RestateServiceDefinition.Handler> handlers = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (JsonNode handler : service.path("handlers")) {
            RestateServiceDefinition.Handler definition = handler(name, handler);
            if (!names.add(definition.name())) {
                throw new NotAManifest("service '%s' declares handler '%s' twice".formatted(name, definition.name()));
            }
            handlers.add(definition);
        }
        if (handlers.isEmpty()) {
            throw new NotAManifest("service '%s' declares no handlers".formatted(name));
        }
        return new RestateServiceDefinition(name, type, millis(service, "inactivityTimeout"),
                millis(service, "abortTimeout"), retry(service), service.path("enableLazyState").asBoolean(false),
                handlers);
    }

    private static RestateServiceDefinition.Handler handler(String service, JsonNode handler) {
        String name = requiredText(handler, "name", "a handler of service '" + service + "'");
        HandlerType type = null;
        if (handler.hasNonNull("ty")) {
            try {
                type = HandlerType.valueOf(handler.path("ty").asString());
            } catch (IllegalArgumentException e) {
                throw new NotAManifest("handler '%s/%s' has ty '%s', not EXCLUSIVE, SHARED or WORKFLOW"
                        .formatted(service, name, handler.path("ty").asString()));
            }
        }
        String input = handler.path("input").path("contentType").isString()
                ? handler.path("input").path("contentType").asString() : null;
        String output = handler.path("output").path("contentType").isString()
                ? handler.path("output").path("contentType").asString() : null;
        Boolean lazy = handler.hasNonNull("enableLazyState") ? handler.path("enableLazyState").asBoolean() : null;
        return new RestateServiceDefinition.Handler(name, type, input, output, millis(handler, "inactivityTimeout"),
                millis(handler, "abortTimeout"), retry(handler), lazy);
    }

    private static RetrySettings retry(JsonNode node) {
        Double factor = node.hasNonNull("retryPolicyExponentiationFactor")
                ? node.path("retryPolicyExponentiationFactor").asDouble() : null;
        Integer attempts = node.hasNonNull("retryPolicyMaxAttempts")
                ? node.path("retryPolicyMaxAttempts").asInt() : null;
        RetrySettings.OnMaxAttempts onMax = null;
        if (node.hasNonNull("retryPolicyOnMaxAttempts")) {
            String value = node.path("retryPolicyOnMaxAttempts").asString();
            if (!value.equals("PAUSE") && !value.equals("KILL")) {
                throw new NotAManifest("retryPolicyOnMaxAttempts '%s' is neither PAUSE nor KILL".formatted(value));
            }
            onMax = RetrySettings.OnMaxAttempts.valueOf(value);
        }
        return new RetrySettings(millis(node, "retryPolicyInitialInterval"), factor,
                millis(node, "retryPolicyMaxInterval"), attempts, onMax);
    }

    private static Duration millis(JsonNode node, String field) {
        if (!node.hasNonNull(field)) {
            return null;
        }
        if (!node.path(field).canConvertToLong() || node.path(field).asLong() < 0) {
            throw new NotAManifest("%s is not a number of milliseconds".formatted(field));
        }
        long value = node.path(field).asLong();
        return value == 0 ? null : Duration.ofMillis(value);
    }

    private static int requiredInt(JsonNode node, String field) {
        if (!node.path(field).canConvertToInt()) {
            throw new NotAManifest("it has no integer %s".formatted(field));
        }
        return node.path(field).asInt();
    }

    private static String requiredText(JsonNode node, String field, String what) {
        if (!node.path(field).isString() || node.path(field).asString().isBlank()) {
            throw new NotAManifest("%s has no %s".formatted(what, field));
        }
        return node.path(field).asString();
    }

    /** The body is not a usable manifest; the message says what was found. */
    static final class NotAManifest extends RuntimeException {

        NotAManifest(String found) {
            super(found, null, false, false);
        }
    }
}
