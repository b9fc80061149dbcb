package dev.ferry.cluster;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.springframework.http.HttpStatus;

import dev.ferry.web.FerryException;

/** A cluster property or subscription option that Ferry cannot use; the detail names it, never a secret value. */
public class InvalidClusterProperties extends FerryException {

    private InvalidClusterProperties(String detail, String property) {
        super(HttpStatus.BAD_REQUEST, "invalid-kafka-property", "Invalid Kafka property", detail,
                fields(property));
    }

    private static Map<String, Object> fields(String property) {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (property != null) {
            fields.put("property", property);
        }
        return fields;
    }

    static InvalidClusterProperties missing(String property, String hint) {
        return new InvalidClusterProperties("Property '%s' is required. %s".formatted(property, hint), property);
    }

    static InvalidClusterProperties unknown(String property, Optional<String> suggestion) {
        String hint = suggestion.map(" Did you mean '%s'?"::formatted)
                .orElse(" Use a librdkafka or Java client property name.");
        return new InvalidClusterProperties(
                "Property '%s' is not a Kafka client property.%s".formatted(property, hint), property);
    }

    static InvalidClusterProperties owned(String property, String reason) {
        return new InvalidClusterProperties(
                "Property '%s' is managed by Ferry and cannot be set here: %s.".formatted(property, reason), property);
    }

    static InvalidClusterProperties clusterOnly(String property) {
        return new InvalidClusterProperties(("Property '%s' is a connection or security setting: set it on the Kafka"
                + " cluster (PATCH /kafka-clusters/{name}), not on a subscription.").formatted(property), property);
    }

    static InvalidClusterProperties badValue(String property, String value, String hint) {
        String shown = Secrets.isSecret(property) ? Secrets.MASK : value;
        return new InvalidClusterProperties(
                "Property '%s' has an invalid value '%s': %s.".formatted(property, shown, hint), property);
    }

    static InvalidClusterProperties untranslatable(String property, String reason) {
        return new InvalidClusterProperties("Property '%s' cannot be used: %s.".formatted(property, reason), property);
    }

    /** The Java client refused the translated settings; {@code reason} is its message with secrets redacted. */
    static InvalidClusterProperties rejected(String reason) {
        return new InvalidClusterProperties("The Kafka client refused these properties: %s".formatted(reason), null);
    }
}
