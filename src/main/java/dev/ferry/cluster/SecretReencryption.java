package dev.ferry.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.stereotype.Component;

/**
 * At start-up, seals again the secrets stored under an older key (or in clear, from before a key was
 * configured), so that after a rotation the old key can be dropped from
 * {@code ferry.security.previous-encryption-keys} once every instance has started with the new one.
 */
@Component
class SecretReencryption {

    private static final Logger log = LoggerFactory.getLogger(SecretReencryption.class);

    private final KafkaClusterRegistry registry;

    SecretReencryption(KafkaClusterRegistry registry) {
        this.registry = registry;
    }

    @EventListener(ApplicationReadyEvent.class)
    void onReady() {
        try {
            registry.reencryptSecrets();
        } catch (OptimisticLockingFailureException e) {
            log.info("Another instance changed a Kafka cluster while secrets were re-encrypted; the next start"
                    + " finishes the job");
        }
    }
}
