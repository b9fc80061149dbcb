package dev.ferry.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.ferry.security.EncryptionKeyMissing;
import dev.ferry.security.SecretCipher;
import dev.ferry.security.SecretUnreadable;
import dev.ferry.web.InvalidRequest;

/**
 * Seals a cluster's secret properties ({@link Secrets#isSecret}) with {@link SecretCipher} before they are
 * stored, opens them again to build a client's settings, and seals again what is stored in clear or under an
 * older key. Each sealed value is bound to its cluster and property, so a value copied elsewhere no longer opens.
 * Also keeps the {@value Secrets#MASK} rules: a masked value is refused as input, and every encoding in which a
 * secret may appear in a client's message is known for redaction.
 */
@Component
class SecretSealer {

    private static final Logger log = LoggerFactory.getLogger(SecretSealer.class);

    private final SecretCipher cipher;

    SecretSealer(SecretCipher cipher) {
        this.cipher = cipher;
    }

    /** The properties as stored: secret values encrypted. Refused without a key, before anything is written. */
    Map<String, String> seal(String cluster, Map<String, String> properties) {
        boolean hasSecrets = properties.keySet().stream().anyMatch(Secrets::isSecret);
        if (hasSecrets && !cipher.canEncrypt()) {
            throw EncryptionKeyMissing.of();
        }
        Map<String, String> sealed = new LinkedHashMap<>();
        properties.forEach((name, value) -> sealed.put(name,
                Secrets.isSecret(name) ? cipher.encrypt(value, context(cluster, name)) : value));
        return sealed;
    }

    /**
     * The properties with their secrets decrypted.
     *
     * @throws SecretUnreadable when a secret cannot be decrypted with the configured keys
     */
    Map<String, String> open(KafkaCluster cluster) {
        Map<String, String> properties = new LinkedHashMap<>();
        cluster.properties().forEach((name, value) -> properties.put(name,
                Secrets.isSecret(name) ? cipher.decrypt(value, context(cluster.name(), name)) : value));
        return properties;
    }

    /**
     * Seals again every secret of these clusters stored in clear (from before a key was configured) or under an
     * older key; a value that cannot be read is logged and left as it is.
     *
     * @return how many values were sealed again
     */
    int reseal(Iterable<KafkaCluster> clusters) {
        int resealed = 0;
        int unreadable = 0;
        int clear = 0;
        for (KafkaCluster cluster : clusters) {
            Map<String, String> stored = new TreeMap<>(cluster.properties());
            boolean changed = false;
            for (var entry : stored.entrySet()) {
                if (!Secrets.isSecret(entry.getKey()) || !cipher.needsReencryption(entry.getValue())) {
                    clear += Secrets.isSecret(entry.getKey()) && !SecretCipher.isEncrypted(entry.getValue()) ? 1 : 0;
                    continue;
                }
                String context = context(cluster.name(), entry.getKey());
                try {
                    entry.setValue(cipher.encrypt(cipher.decrypt(entry.getValue(), context), context));
                    changed = true;
                    resealed++;
                } catch (SecretUnreadable e) {
                    unreadable++;
                    log.warn("Kafka cluster {}: {}", cluster.name(), e.getMessage());
                }
            }
            if (changed) {
                cluster.resealProperties(stored);
            }
        }
        if (clear > 0 && !cipher.canEncrypt()) {
            log.warn("{} secret propert{} stored in clear; set ferry.security.encryption-key to encrypt them", clear,
                    clear == 1 ? "y is" : "ies are");
        }
        if (resealed > 0 || unreadable > 0) {
            log.info("Re-encrypted {} secret value(s) with key {}; {} could not be read", resealed,
                    cipher.currentKeyId().orElse("-"), unreadable);
        }
        return resealed;
    }

    /** Binds a stored secret to its cluster and property: a value copied elsewhere no longer decrypts. */
    private static String context(String cluster, String property) {
        return "kafka-cluster/" + cluster + "/" + property;
    }

    /** Every form in which a secret could appear in a client's message: as given, and as quoted in JAAS. */
    static List<String> redactable(Map<String, String> properties) {
        List<String> values = new ArrayList<>();
        for (String value : Secrets.secretValues(properties)) {
            values.add(value);
            values.add(ClientPropertyTranslator.jaasEscaped(value));
        }
        return values;
    }

    /** Refuses input that holds {@value Secrets#MASK}: it is what Ferry shows, never a secret's real value. */
    static void refuseMasked(Map<String, String> properties) {
        properties.forEach((key, value) -> {
            if (Secrets.MASK.equals(value)) {
                throw InvalidRequest.of("properties", ("Property '%s' has the masked value '***'. Send the real value,"
                        + " or leave it out and use PATCH ?merge=true, which keeps the properties you do not send.")
                        .formatted(key));
            }
        });
    }
}
