package dev.ferry.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class RequestSignerTest {

    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000), ZoneOffset.UTC);

    @Test
    void signsMethodPathTimestampAndBody() {
        RequestSigner signer = signer("a-signing-key-of-some-length");

        Map<String, String> headers = signer.sign("POST", URI.create("http://h:9080/Greeter/ada%2Fx/greet"),
                "{\"name\":\"Ada\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(headers).containsEntry("x-ferry-timestamp", "1700000000");
        // computed independently: printf 'POST\n/Greeter/ada%%2Fx/greet\n1700000000\n{"name":"Ada"}' |
        //   openssl dgst -sha256 -hmac a-signing-key-of-some-length
        assertThat(headers.get("x-ferry-signature"))
                .isEqualTo("v1=aeb7bf57697c98a86d2fd793fa8a9a3ce448bc1bf595bcf8e167a8e3f45b036b");
    }

    @Test
    void aDifferentBodyGivesADifferentSignature() {
        RequestSigner signer = signer("a-signing-key-of-some-length");
        URI uri = URI.create("http://h/S/h");

        assertThat(signer.sign("POST", uri, "a".getBytes(StandardCharsets.UTF_8)).get("x-ferry-signature"))
                .isNotEqualTo(signer.sign("POST", uri, "b".getBytes(StandardCharsets.UTF_8)).get("x-ferry-signature"));
        assertThat(signer.sign("POST", uri, null)).isEqualTo(signer.sign("POST", uri, new byte[0]));
    }

    @Test
    void withoutAKeyAddsNothingAndSaysSoAtStartUp(CapturedOutput output) {
        RequestSigner signer = new RequestSigner(new SecurityProperties(null, null, List.of(), null, null), CLOCK);

        assertThat(signer.isEnabled()).isFalse();
        assertThat(signer.sign("POST", URI.create("http://h/S/h"), new byte[0])).isEmpty();
        assertThat(output).contains("Calls to handlers are not signed").contains("ferry.security.signing-key");
    }

    @Test
    void refusesAShortKey() {
        assertThatThrownBy(() -> signer("short")).hasMessageContaining("at least 16 characters");
    }

    private static RequestSigner signer(String key) {
        return new RequestSigner(new SecurityProperties(null, null, List.of(), key, null), CLOCK);
    }
}
