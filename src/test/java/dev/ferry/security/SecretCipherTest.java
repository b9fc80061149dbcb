package dev.ferry.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

class SecretCipherTest {

    private static final String KEY = randomKey();
    private static final String OLD_KEY = randomKey();

    @Test
    void sealsEachValueWithAFreshIvUnderTheCurrentKeyId() {
        SecretCipher cipher = cipher(KEY);

        String first = cipher.encrypt("hunter2", "kafka-cluster/a/sasl.password");
        String second = cipher.encrypt("hunter2", "kafka-cluster/a/sasl.password");

        assertThat(first).startsWith("enc:v1:" + cipher.currentKeyId().orElseThrow() + ":").doesNotContain("hunter2");
        assertThat(first).isNotEqualTo(second);
        assertThat(cipher.decrypt(first, "kafka-cluster/a/sasl.password")).isEqualTo("hunter2");
        assertThat(cipher.decrypt(second, "kafka-cluster/a/sasl.password")).isEqualTo("hunter2");
    }

    @Test
    void aValueMovedToAnotherPropertyOrTamperedWithDoesNotOpen() {
        SecretCipher cipher = cipher(KEY);
        String sealed = cipher.encrypt("hunter2", "kafka-cluster/a/sasl.password");

        assertThatThrownBy(() -> cipher.decrypt(sealed, "kafka-cluster/b/sasl.password"))
                .isInstanceOf(SecretUnreadable.class).hasMessageNotContaining("hunter2");
        String flipped = sealed.substring(0, sealed.length() - 3) + (sealed.endsWith("A==") ? "B==" : "A==");
        assertThatThrownBy(() -> cipher.decrypt(flipped, "kafka-cluster/a/sasl.password"))
                .isInstanceOf(SecretUnreadable.class);
    }

    @Test
    void rotatesKeys() {
        SecretCipher old = cipher(OLD_KEY);
        String sealedWithOld = old.encrypt("hunter2", "ctx");
        SecretCipher rotated = new SecretCipher(new SecurityProperties(null, KEY, List.of(OLD_KEY), null, null));

        assertThat(rotated.decrypt(sealedWithOld, "ctx")).isEqualTo("hunter2");
        assertThat(rotated.needsReencryption(sealedWithOld)).isTrue();
        assertThat(rotated.needsReencryption(rotated.encrypt("hunter2", "ctx"))).isFalse();
        assertThat(rotated.needsReencryption("kept-in-clear")).isTrue();
        assertThatThrownBy(() -> cipher(KEY).decrypt(sealedWithOld, "ctx"))
                .isInstanceOf(SecretUnreadable.class)
                .hasMessageContaining(old.currentKeyId().orElseThrow())
                .hasMessageContaining("ferry.security.previous-encryption-keys");
    }

    @Test
    void readsValuesStoredBeforeEncryptionWasConfigured() {
        assertThat(cipher(KEY).decrypt("plain-old-password", "ctx")).isEqualTo("plain-old-password");
    }

    @Test
    void refusesToEncryptWithoutAKeyAndSaysHowToConfigureOne() {
        SecretCipher none = new SecretCipher(new SecurityProperties(null, null, List.of(), null, null));

        assertThat(none.canEncrypt()).isFalse();
        assertThatThrownBy(() -> none.encrypt("hunter2", "ctx")).isInstanceOf(EncryptionKeyMissing.class)
                .hasMessageContaining("ferry.security.encryption-key")
                .hasMessageContaining("FERRY_SECURITY_ENCRYPTION_KEY").hasMessageContaining("openssl rand -base64 32");
    }

    @Test
    void refusesAKeyOfTheWrongSizeWithoutShowingIt() {
        String short16 = Base64.getEncoder().encodeToString(new byte[16]);
        assertThatThrownBy(() -> cipher(short16)).hasMessageContaining("32 bytes").hasMessageNotContaining(short16);
        assertThatThrownBy(() -> cipher("not base64!")).hasMessageContaining("not valid base64");
    }

    private static SecretCipher cipher(String key) {
        return new SecretCipher(new SecurityProperties(null, key, List.of(), null, null));
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
