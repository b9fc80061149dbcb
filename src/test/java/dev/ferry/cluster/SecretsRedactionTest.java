package dev.ferry.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;

/**
 * A third party's message (a token endpoint's answer, a client exception) may quote a secret in any of the
 * forms it travelled in; none of them survives {@link Secrets#redact}.
 */
class SecretsRedactionTest {

    @Property(tries = 300)
    void noEncodingOfASecretSurvivesRedaction(
            @ForAll @StringLength(min = 4, max = 40) @AlphaChars @NumericChars
            @Chars({'/', '+', '=', ' ', '%', ':', '-'})
            String secret,
            @ForAll @StringLength(min = 1, max = 12) @AlphaChars @NumericChars String clientId) {
        String encoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
        List<String> forms = List.of(secret, encoded, base64(secret), base64(clientId + ":" + secret),
                base64(clientId + ":" + encoded),
                Base64.getUrlEncoder().encodeToString(bytes(clientId + ":" + secret)));
        String echoed = "401 {\"error\":\"invalid_client\",\"error_description\":\"rejected POST /token Authorization:"
                + " Basic " + base64(clientId + ":" + encoded) + "; raw " + base64(clientId + ":" + secret)
                + "; url-safe " + forms.get(5) + "; body: grant_type=client_credentials&client_secret=" + encoded
                + "&plain=" + secret + "&alone=" + base64(secret) + "\"}";

        String redacted = Secrets.redact(echoed, List.of(secret));

        for (String form : forms) {
            assertThat(redacted).as("form %s", form).doesNotContain(form);
        }
        assertThat(redacted).startsWith("401 {\"error\":\"invalid_client\"").contains(Secrets.MASK);
    }

    @Property(tries = 100)
    void leavesAMessageWithoutSecretsAsItWas(@ForAll @StringLength(max = 200) String message) {
        String secret = "s3cret-" + Integer.toHexString(message.hashCode()) + "-Qz";

        assertThat(Secrets.redact(message, List.of(secret))).isEqualTo(message);
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(bytes(text));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
