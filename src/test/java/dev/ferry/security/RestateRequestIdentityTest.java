package dev.ferry.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RestateRequestIdentityTest {

    /** RFC 8032, section 7.1, test 1: the secret key and its public key. */
    static final String SECRET_HEX = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    static final String PUBLIC_HEX = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    /** The DER prefix of an Ed25519 PKCS#8 key (RFC 8410), before the 32 secret bytes. */
    static final String PKCS8_PREFIX_HEX = "302e020100300506032b657004220420";
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_721_662_649), ZoneOffset.UTC);

    /** The PEM text of the RFC 8032 key, as {@code openssl genpkey -algorithm ed25519} writes a key. */
    static String pem() {
        byte[] der = HexFormat.of().parseHex(PKCS8_PREFIX_HEX + SECRET_HEX);
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getEncoder().encodeToString(der)
                + "\n-----END PRIVATE KEY-----\n";
    }

    @Test
    void derivesThePublicKeyOfRfc8032AndWritesItInRestatesForm() {
        RestateRequestIdentity identity = identity(pem());

        byte[] raw = RestateRequestIdentity.rawPublicKey(RestateRequestIdentity.parse(pem()));
        assertThat(HexFormat.of().formatHex(raw)).isEqualTo(PUBLIC_HEX);
        // base58 of PUBLIC_HEX, computed apart from Ferry
        assertThat(identity.publicKey()).contains("publickeyv1_FVen3X669xLzsi6N2V91DoiyzHzg1uAgqiT8jZ9nS96Z");
    }

    @ParameterizedTest
    @CsvSource({
        "00, 1",
        "00eb15231dfceb60925886b67d065299925915aeb172c06647, 1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L",
        "61, 2g",
        "626262, a3gV",
        "00000000000000000000, 1111111111",
        "516b6fcd0f, ABnLTmg",
    })
    void base58UsesTheBitcoinAlphabetAndKeepsLeadingZeros(String hex, String expected) {
        assertThat(RestateRequestIdentity.base58(HexFormat.of().parseHex(hex))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "/invoke/a/b, /invoke/a/b",
        "/foo/invoke/a/b, /invoke/a/b",
        "/foo/bar/invoke/Counter/add, /invoke/Counter/add",
        "/discover, /discover",
        "/foo/bar/discover, /discover",
        "/invoke/a, /invoke/a",
        "/foo, /foo",
    })
    void audienceIsThePathAsTheSdkNormalisesIt(String path, String audience) {
        assertThat(RestateRequestIdentity.audience(path)).isEqualTo(audience);
    }

    @Test
    void signsAnEdDsaJwtForThePathThatThePublicKeyVerifies() throws Exception {
        Map<String, String> headers = identity(pem()).sign("/base/invoke/Counter/add");

        assertThat(headers).containsEntry("x-restate-signature-scheme", "v1");
        String[] parts = headers.get("x-restate-jwt-v1").split("\\.");
        assertThat(parts).hasSize(3);
        assertThat(decode(parts[0])).isEqualTo("{\"typ\":\"JWT\",\"alg\":\"EdDSA\",\"kid\":\""
                + identity(pem()).publicKey().orElseThrow() + "\"}");
        assertThat(decode(parts[1])).isEqualTo("{\"aud\":\"/invoke/Counter/add\","
                + "\"exp\":1721662709,\"iat\":1721662649,\"nbf\":1721662589}");
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(publicKey());
        verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(verifier.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();
    }

    @Test
    void readsTheKeyAsPemAsItsBase64BodyOrFromAFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("restate-key.pem"), pem());
        String body = pem().lines().filter(line -> !line.startsWith("-----")).findFirst().orElseThrow();

        for (String configured : List.of(pem(), body, "file:" + file)) {
            assertThat(identity(configured).publicKey()).as(configured).isEqualTo(identity(pem()).publicKey());
        }
    }

    @Test
    void signsNothingWithoutAKey() {
        RestateRequestIdentity identity = identity(null);

        assertThat(identity.sign("/discover")).isEmpty();
        assertThat(identity.publicKey()).isEmpty();
        assertThat(RestateRequestIdentity.none().sign("/discover")).isEmpty();
    }

    @Test
    void refusesAKeyThatIsNotEd25519WithoutShowingIt(@TempDir Path dir) {
        String notAKey = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LXZhbHVl\n-----END PRIVATE KEY-----";

        assertThatThrownBy(() -> identity(notAKey)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("openssl genpkey -algorithm ed25519").hasMessageNotContaining("c2VjcmV0");
        assertThatThrownBy(() -> identity("file:" + dir.resolve("missing.pem")))
                .hasMessageContaining("names a file Ferry cannot read");
    }

    private static RestateRequestIdentity identity(String key) {
        return new RestateRequestIdentity(new SecurityProperties(null, null, List.of(), null, key), CLOCK);
    }

    private static PublicKey publicKey() throws Exception {
        byte[] spki = HexFormat.of().parseHex("302a300506032b6570032100" + PUBLIC_HEX);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    }

    private static String decode(String part) {
        return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
    }
}
